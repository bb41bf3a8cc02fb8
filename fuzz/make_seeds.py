#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets, made from shared/assets at run time (never committed).

Usage: make_seeds.py ASSETS_DIR OUT_DIR
Writes OUT_DIR/<target>/seed-*: safetensors headers (with a few KB of data), the GGUF file, small
tokenizer.json files (vocabulary and merges trimmed so one execution stays fast), the models'
config.json, the first lines of every task file (prefixed by the task fuzzer's selector byte) and
experiment and sweep specs (JSON and YAML) pointing at the assets.
"""
import json
import os
import struct
import sys
from pathlib import Path


def write(out: Path, name: str, data: bytes) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(data)


def safetensors_seed(path: Path) -> bytes:
    """A valid safetensors file made of up to 8 small tensors (<= 4 KiB each) of `path`, with its
    metadata, data re-laid out contiguously."""
    with path.open("rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        keep, blobs, pos = {}, [], 0
        if "__metadata__" in header:
            keep["__metadata__"] = header["__metadata__"]
        for name, info in header.items():
            if name == "__metadata__":
                continue
            lo, hi = info["data_offsets"]
            if hi - lo > 4096 or len(blobs) >= 8:
                continue
            f.seek(8 + n + lo)
            blobs.append(f.read(hi - lo))
            keep[name] = dict(info, data_offsets=[pos, pos + hi - lo])
            pos += hi - lo
    text = json.dumps(keep).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def small_tokenizer(path: Path, n_vocab: int = 400, n_merges: int = 300) -> bytes:
    tok = json.loads(path.read_text(encoding="utf-8"))
    model = tok.get("model", {})
    vocab = model.get("vocab")
    if isinstance(vocab, dict):
        kept = dict(sorted(vocab.items(), key=lambda kv: kv[1])[:n_vocab])
        model["vocab"] = kept
        merges = model.get("merges", [])
        small = []
        for m in merges:
            a, b = (m.split(" ", 1) if isinstance(m, str) else m) + [""] * 0
            if a in kept and b in kept and (a + b) in kept:
                small.append(m)
            if len(small) >= n_merges:
                break
        model["merges"] = small
    added = tok.get("added_tokens") or []
    tok["added_tokens"] = [t for t in added if t.get("id", 1 << 30) < n_vocab][:8]
    return json.dumps(tok, ensure_ascii=False).encode()


def block_yaml(value, indent: int = 0) -> str:
    """Block-style YAML for the JSON-like `value` (strings always quoted, as JSON strings are)."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:\n{block_yaml(v, indent + 2)}")
            else:
                lines.append(f"{pad}{k}: {json.dumps(v)}")
        return "\n".join(lines)
    if isinstance(value, list):
        lines = []
        for v in value:
            if isinstance(v, (dict, list)) and v:
                inner = block_yaml(v, indent + 2).lstrip(" ")
                lines.append(f"{pad}- {inner}")
            else:
                lines.append(f"{pad}- {json.dumps(v)}")
        return "\n".join(lines)
    return pad + json.dumps(value)


def main() -> int:
    assets, out = Path(sys.argv[1]), Path(sys.argv[2])
    models = sorted(p for p in (assets / "models").iterdir() if p.is_dir())
    for m in models:
        for st in sorted(m.glob("*.safetensors"))[:1]:
            write(out / "safetensors_fuzz", f"seed-{m.name}", safetensors_seed(st))
        if (m / "config.json").exists():
            write(out / "config_json_fuzz", f"seed-{m.name}", (m / "config.json").read_bytes())
        if (m / "tokenizer.json").exists():
            write(out / "tokenizer_json_fuzz", f"seed-{m.name}", small_tokenizer(m / "tokenizer.json"))
        for g in m.glob("*.gguf"):
            write(out / "gguf_fuzz", f"seed-{g.stem}", g.read_bytes())

    def head(path: Path, lines: int = 6) -> bytes:
        with path.open("rb") as f:
            return b"".join(f.readline() for _ in range(lines))

    tasks = assets / "tasks"
    selectors = [  # selector byte of task_file_fuzz.cpp -> a file in that format
        (0, tasks / "arc" / "ARC-Easy-test.jsonl"),
        (1, tasks / "hellaswag" / "hellaswag_val.jsonl"),
        (2, tasks / "lambada" / "lambada_test.jsonl"),
        (3, tasks / "llmfoundry" / "boolq.jsonl"),
        (4, tasks / "llmfoundry" / "winogrande.jsonl"),
    ]
    for sel, path in selectors:
        if path.exists():
            write(out / "task_file_fuzz", f"seed-{path.stem}", bytes([sel]) + head(path))
    piqa = sorted((tasks / "piqa").glob("*.jsonl")) if (tasks / "piqa").exists() else []
    if piqa:
        write(out / "task_file_fuzz", "seed-piqa", bytes([5]) + head(piqa[0]))

    spec = {"version": 1, "model": "models/smol-ref", "methods": ["smoothquant", {"name": "gptq", "params": {"damp": 0.01}}],
            "quant": {"weight": {"bits": 4, "group_size": 128}, "act": {"bits": 8}},
            "calibration": {"file": "text/c4_heldout500.txt", "n_samples": 8, "seq_len": 128},
            "evaluations": {"perplexity": {"texts": ["wikitext2_test.txt"], "max_chunks": 2}},
            "analyses": {"stats": {}}}
    write(out / "spec_fuzz", "seed-spec", json.dumps(spec).encode())
    write(out / "spec_fuzz", "seed-spec-min", b'{"model": "models/qwen-ref"}')
    sweep = {"version": 1,
             "base": {"evaluations": {"perplexity": {"texts": ["wikitext2_test.txt"], "max_chunks": 2}},
                      "calibration": {"file": "text/c4_heldout500.txt", "n_samples": 8, "seq_len": 128}},
             "models": [f"models/{m.name}" for m in models[:2]],
             "methods": ["fp", "rtn", "smoothquant,rtn", [{"name": "gptq", "params": {"damp": 0.02}}]],
             "settings": ["w8a8", "w4a16 g128", {"weight": {"bits": 3}}]}
    write(out / "sweep_fuzz", "seed-sweep", json.dumps(sweep).encode())
    # YAML: block style, flow style (JSON is YAML), and anchors/aliases with a comment.
    write(out / "sweep_yaml_fuzz", "seed-sweep-block", block_yaml(sweep).encode())
    write(out / "sweep_yaml_fuzz", "seed-sweep-flow", json.dumps(sweep).encode())
    write(out / "sweep_yaml_fuzz", "seed-sweep-anchors",
          b"# anchors\nversion: 1\nbase: &b {evaluations: {perplexity: {texts: [wikitext2_test.txt],"
          b" max_chunks: 2}}}\nmodels: [&m models/smol-ref, *m]\nmethods: [fp, 'rtn']\n"
          b"settings: [w8a8, !!str w4a16 g128, {weight: {bits: 0x3}}]\n"
          b"evaluations: [{perplexity: {texts: [wikitext2_test.txt], max_chunks: 1}}]\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
