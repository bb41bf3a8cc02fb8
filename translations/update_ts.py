#!/usr/bin/env python3
"""Refreshes slmq_de.ts and slmq_zh_CN.ts from the sources and fills in the translations below.

lupdate (Qt 6.4) does not understand `namespace slmq::ui {` and writes contexts without the
namespace, while tr() looks them up by the class' qualified name; this script qualifies them.
Run from the repository root: python3 translations/update_ts.py
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, "translations")
import catalog  # noqa: E402  (every other string)

UNQUALIFIED_OK = {"main", "QObject"}  # contexts that really have no namespace
# lupdate also misreads a few member templates as classes: their strings belong to these contexts.
MISREAD = {"F": "StoreAdapter"}

# Translations (German, Simplified Chinese) of the strings a user meets first: menus, actions,
# docks, tabs, run-list columns and filters, job states. Everything else is in catalog.py.
T = {
    "&File": ("&Datei", "文件(&F)"),
    "&Study": ("&Studie", "研究(&S)"),
    "&View": ("&Ansicht", "视图(&V)"),
    "&Export": ("&Exportieren", "导出(&E)"),
    "&Help": ("&Hilfe", "帮助(&H)"),
    "&New workspace...": ("&Neuer Arbeitsbereich...", "新建工作区(&N)..."),
    "&Open workspace...": ("Arbeitsbereich ö&ffnen...", "打开工作区(&O)..."),
    "&Add model...": ("Modell &hinzufügen...", "添加模型(&A)..."),
    "&Quit": ("&Beenden", "退出(&Q)"),
    "&New study...": ("&Neue Studie...", "新建研究(&N)..."),
    "Run the &default study": ("&Standardstudie ausführen", "运行默认研究(&D)"),
    "&Cancel all jobs": ("Alle Aufträge a&bbrechen", "取消所有任务(&C)"),
    "&Reset layout": ("Anordnung &zurücksetzen", "重置布局(&R)"),
    "Export &chart...": ("&Diagramm exportieren...", "导出图表(&C)..."),
    "Export chart &data...": ("Diagramm&daten exportieren...", "导出图表数据(&D)..."),
    "Export &report...": ("&Bericht exportieren...", "导出报告(&R)..."),
    "&About SLMQuant Workbench": ("&Über SLMQuant Workbench", "关于 SLMQuant Workbench(&A)"),
    "About &Qt": ("Über &Qt", "关于 &Qt"),
    "Models": ("Modelle", "模型"),
    "Runs": ("Läufe", "运行"),
    "Jobs": ("Aufträge", "任务"),
    "Se&nsitivity": ("&Empfindlichkeit", "敏感度(&N)"),
    "&Distributions": ("&Verteilungen", "分布(&D)"),
    "&Comparison": ("Ver&gleich", "比较(&C)"),
    "Filter runs...": ("Läufe filtern...", "筛选运行..."),
    "any model": ("jedes Modell", "任意模型"),
    "any method": ("jede Methode", "任意方法"),
    "any bits": ("jede Bitbreite", "任意位宽"),
    "any status": ("jeder Status", "任意状态"),
    "Name": ("Name", "名称"),
    "Model": ("Modell", "模型"),
    "Method": ("Methode", "方法"),
    "Bits": ("Bits", "位宽"),
    "Status": ("Status", "状态"),
    "Time": ("Zeit", "时间"),
    "Created": ("Erstellt", "创建时间"),
    "pending": ("wartend", "等待中"),
    "running": ("läuft", "运行中"),
    "done": ("fertig", "完成"),
    "failed": ("fehlgeschlagen", "失败"),
    "cancelled": ("abgebrochen", "已取消"),
    "queued": ("eingereiht", "排队中"),
    "Cancel": ("Abbrechen", "取消"),
    "SLMQuant Workbench": ("SLMQuant Workbench", "SLMQuant Workbench"),
    "No workspace": ("Kein Arbeitsbereich", "无工作区"),
    "Export as &PNG...": ("Als &PNG exportieren...", "导出为 &PNG..."),
    "Export as &SVG...": ("Als &SVG exportieren...", "导出为 &SVG..."),
    "Export as P&DF...": ("Als P&DF exportieren...", "导出为 P&DF..."),
    "Export data as &CSV...": ("Daten als &CSV exportieren...", "导出数据为 &CSV..."),
    "&Copy to clipboard": ("In die Zwischenablage &kopieren", "复制到剪贴板(&C)"),
    "New study": ("Neue Studie", "新建研究"),
    "&Run": ("&Ausführen", "运行(&R)"),
}


def main():
    files = ["translations/slmq_de.ts", "translations/slmq_zh_CN.ts"]
    subprocess.run(["/usr/lib/qt6/bin/lupdate", "-silent", "-no-obsolete", "-locations", "none",
                    "ui", "app/workbench", "-ts", *files], check=True,
                   stderr=subprocess.DEVNULL)
    for lang, path in enumerate(files):
        tree = ET.parse(path)
        for ctx in tree.getroot().iter("context"):
            name = ctx.find("name")
            base = name.text[10:] if name.text.startswith("slmq::ui::") else name.text
            base = MISREAD.get(base, base)
            name.text = base if base in UNQUALIFIED_OK or "::" in base else "slmq::ui::" + base
            for msg in ctx.iter("message"):
                src = msg.find("source").text
                tr = msg.find("translation")
                text = T[src][lang] if src in T else catalog.T.get(src, (None, None))[lang]
                if text is None:
                    continue
                if msg.get("numerus") == "yes":
                    for form in list(tr):
                        tr.remove(form)
                    for f in text:
                        ET.SubElement(tr, "numerusform").text = f
                else:
                    tr.text = text
                tr.attrib.pop("type", None)
        tree.write(path, encoding="utf-8", xml_declaration=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
