<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>slmq::ui::ChannelChart</name>
    <message>
        <source>channel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>outlier (&gt; %1 x median)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ChartWidget</name>
    <message>
        <source>No data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write CSV %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export as &amp;PNG...</source>
        <translation>Als &amp;PNG exportieren...</translation>
    </message>
    <message>
        <source>Export as &amp;SVG...</source>
        <translation>Als &amp;SVG exportieren...</translation>
    </message>
    <message>
        <source>Export as P&amp;DF...</source>
        <translation>Als P&amp;DF exportieren...</translation>
    </message>
    <message>
        <source>Export data as &amp;CSV...</source>
        <translation>Daten als &amp;CSV exportieren...</translation>
    </message>
    <message>
        <source>&amp;Copy to clipboard</source>
        <translation>In die Zwischenablage &amp;kopieren</translation>
    </message>
    <message>
        <source> files (*.%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export chart</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ComparisonView</name>
    <message>
        <source>&amp;Accuracy:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>acc</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>acc_norm</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Efficiency:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Scatter &amp;x:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;y:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select runs with results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Task accuracy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Perplexity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Efficiency</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SLMQuant scores (x100, higher is better)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SLMQcons uses RTN on the same model as its reference: the paper's formula for the consumption track was not available.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Trade-off</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose two metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reference: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no FP reference among the selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>accuracy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>perplexity (lower is better)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>score</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>FP = 100</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::DistributionView</name>
    <message>
        <source>&amp;Run:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Block:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>M&amp;odule:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Tensor:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Log counts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Distribution by stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a run with statistics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Per-channel absmax</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No channel statistics for this unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Absmax along depth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Excess kurtosis along depth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>block %1 %2 %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Distribution of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Per-channel absmax of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>absmax</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>excess kurtosis</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Absmax of %1 %2 along depth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Excess kurtosis of %1 %2 along depth</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ExportDialog</name>
    <message>
        <source>Export size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Screen (1600 x 1000 px, 192 DPI)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paper column (1050 x 750 px, 300 DPI)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paper page width (2100 x 1300 px, 300 DPI)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Slide (1920 x 1080 px, 144 DPI)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Width:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Resolution (DPI):</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::GroupedBarChart</name>
    <message>
        <source>%1 · %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>
%1: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::HeatmapChart</name>
    <message>
        <source>layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>module</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no measurement</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2, %3 %4
%5 = %6</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>value</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::HistogramChart</name>
    <message>
        <source>value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Logarithmic counts</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::JobController</name>
    <message>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Cancelling: terminating process %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>error: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>slmq crashed%1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>slmq exited with code %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cancelled by user</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write the study spec %1: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::JobsDock</name>
    <message>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>The selected job's log appears here</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop this job (its run is marked cancelled)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::MainActions</name>
    <message>
        <source>&amp;New workspace...</source>
        <translation>&amp;Neuer Arbeitsbereich...</translation>
    </message>
    <message>
        <source>Create an empty workspace file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Open workspace...</source>
        <translation>Arbeitsbereich ö&amp;ffnen...</translation>
    </message>
    <message>
        <source>Open another workspace file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Add model...</source>
        <translation>Modell &amp;hinzufügen...</translation>
    </message>
    <message>
        <source>Add a Hugging Face model directory or a GGUF file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Quit the workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;New study...</source>
        <translation>&amp;Neue Studie...</translation>
    </message>
    <message>
        <source>Set up and run a quantization study</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run the &amp;default study</source>
        <translation>&amp;Standardstudie ausführen</translation>
    </message>
    <message>
        <source>FP, RTN W8A8, SmoothQuant W8A8, GPTQ W4A16 and a sensitivity grid on smol-ref</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Cancel all jobs</source>
        <translation>Alle Aufträge a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the running job and empty the queue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>Anordnung &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>Put every dock back where it started</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export &amp;chart...</source>
        <translation>&amp;Diagramm exportieren...</translation>
    </message>
    <message>
        <source>Export the chart under focus as PNG, SVG or PDF</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export chart &amp;data...</source>
        <translation>Diagramm&amp;daten exportieren...</translation>
    </message>
    <message>
        <source>Export the data of the chart under focus as CSV</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export &amp;report...</source>
        <translation>&amp;Bericht exportieren...</translation>
    </message>
    <message>
        <source>Write an HTML or PDF report of the selected runs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;About SLMQuant Workbench</source>
        <translation>&amp;Über SLMQuant Workbench</translation>
    </message>
    <message>
        <source>Version and licence</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Qt version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Study</source>
        <translation>&amp;Studie</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
</context>
<context>
    <name>slmq::ui::MainWindow</name>
    <message>
        <source>SLMQuant Workbench</source>
        <translation>SLMQuant Workbench</translation>
    </message>
    <message>
        <source>Job %1 failed: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Se&amp;nsitivity</source>
        <translation>&amp;Empfindlichkeit</translation>
    </message>
    <message>
        <source>&amp;Distributions</source>
        <translation>&amp;Verteilungen</translation>
    </message>
    <message>
        <source>&amp;Comparison</source>
        <translation>Ver&amp;gleich</translation>
    </message>
    <message>
        <source>No chart to export: select runs with results first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export chart</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Opened workspace %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open a workspace first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New study</source>
        <translation>Neue Studie</translation>
    </message>
    <message>
        <source>The default study needs an open workspace and %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 — SLMQuant Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No workspace</source>
        <translation>Kein Arbeitsbereich</translation>
    </message>
    <message>
        <source>New workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Workspaces (*.sqlite *.slmq);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 already exists; use Open workspace to open it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About SLMQuant Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h3&gt;SLMQuant Workbench %1&lt;/h3&gt;&lt;p&gt;Quantize small language models and see what quantization does to them: sensitivity, outliers, and the SLMQuant benchmark's compression, inference and consumption tracks.&lt;/p&gt;&lt;p&gt;Assets: %2&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs are still running. Cancel them and quit?</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::MetricsTableModel</name>
    <message>
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Metric</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dataset</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>± stderr</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>FP</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Δ vs FP</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ModelListModel</name>
    <message>
        <source>%1 GB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 MB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 kB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 B</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>From the shared assets folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Params</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ModelsDock</name>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>&amp;Add model...</source>
        <translation>Modell &amp;hinzufügen...</translation>
    </message>
    <message>
        <source>Add a Hugging Face model directory or a GGUF file (or drop one here)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not a model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Add a model directory or GGUF file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Models (config.json *.gguf *.safetensors)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::NewStudyDialog</name>
    <message>
        <source>New study</source>
        <translation>Neue Studie</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>also run the FP (16-bit) baseline</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>M&amp;ethods:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Bit settings:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>samples:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Calibration:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Perplexity on:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>whole file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Max c&amp;hunks:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Tasks:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>all items</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Task &amp;limit:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>per-layer &amp;sensitivity (W8, W4, W3)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>weight and activation s&amp;tatistics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Analyses:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ExperimentSpec preview (JSON):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) will be queued.</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <source>Invalid study: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::QObject</name>
    <message>
        <source>Cannot export %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot export %1: folder %2 does not exist</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>size %1x%2 px is outside 16..20000 px</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 DPI is outside 24..1200</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write PNG %1 (is the folder writable?)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exported by SLMQuant Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write SVG %1 (is the folder writable?)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write SVG %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write PDF %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write PDF %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::RunListModel</name>
    <message>
        <source>pending</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>PPL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>slmq::ui::RunsDock</name>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Filter runs...</source>
        <translation>Läufe filtern...</translation>
    </message>
    <message>
        <source>any model</source>
        <translation>jedes Modell</translation>
    </message>
    <message>
        <source>Show runs of this model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>any method</source>
        <translation>jede Methode</translation>
    </message>
    <message>
        <source>Show runs of this method</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>any bits</source>
        <translation>jede Bitbreite</translation>
    </message>
    <message>
        <source>Show runs of this bit setting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>any status</source>
        <translation>jeder Status</translation>
    </message>
    <message>
        <source>Show runs with this status</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>&amp;Delete %n run(s)...</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and all their results from the workspace?</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
</context>
<context>
    <name>slmq::ui::ScatterChart</name>
    <message>
        <source>Pareto front</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reference</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::SensitivityView</name>
    <message>
        <source>ΔPPL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>KL divergence</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>output MSE</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Run:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run whose sensitivity scan is shown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Beside:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A second run drawn beside it on the same colour scale</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Setting:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Bit width of the scan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>What was measured per unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a run with a sensitivity scan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Click a cell to see that unit across settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No unit selected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No weight distribution recorded for this unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>weight value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>W%1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>mode: all but this unit quantized</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>mode: only this unit quantized</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Layer %1, %2: %3 at every setting</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::StoreAdapter</name>
    <message>
        <source>Cannot open workspace %1: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Quantize small language models and see what it does.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open the workspace store at &lt;path&gt; (created if missing).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Workspace</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::F</name>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>slmq::ui::ModelCatalog</name>
    <message>
        <source>%1 does not exist</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 holds pytorch_model.bin (a pickle, which is never loaded); convert the model to safetensors</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is not a model directory (needs config.json and *.safetensors, or a .gguf file)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is not a model file (expected a directory with safetensors, or .gguf)</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>