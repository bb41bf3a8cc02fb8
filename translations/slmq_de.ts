<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>slmq::ui::ChannelChart</name>
    <message>
        <source>channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>outlier (&gt; %1 x median)</source>
        <translation>Ausreißer (&gt; %1 × Median)</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ChartWidget</name>
    <message>
        <source>No data</source>
        <translation>Keine Daten</translation>
    </message>
    <message>
        <source>Cannot write CSV %1: %2</source>
        <translation>CSV %1 kann nicht geschrieben werden: %2</translation>
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
        <translation>-Dateien (*.%1)</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ComparisonView</name>
    <message>
        <source>&amp;Accuracy:</source>
        <translation>&amp;Genauigkeit:</translation>
    </message>
    <message>
        <source>acc</source>
        <translation>acc</translation>
    </message>
    <message>
        <source>acc_norm</source>
        <translation>acc_norm</translation>
    </message>
    <message>
        <source>&amp;Perplexity:</source>
        <translation>&amp;Perplexity:</translation>
    </message>
    <message>
        <source>Change against the FP reference shows differences of a few percent that bars of absolute perplexity hide</source>
        <translation>Die Änderung gegenüber der FP-Referenz zeigt Unterschiede von wenigen Prozent, die Balken der absoluten Perplexity verbergen</translation>
    </message>
    <message>
        <source>change vs FP (%)</source>
        <translation>Änderung gegenüber FP (%)</translation>
    </message>
    <message>
        <source>absolute</source>
        <translation>absolut</translation>
    </message>
    <message>
        <source>&amp;Efficiency:</source>
        <translation>&amp;Effizienz:</translation>
    </message>
    <message>
        <source>Scatter &amp;x:</source>
        <translation>Streudiagramm &amp;x:</translation>
    </message>
    <message>
        <source>&amp;y:</source>
        <translation>&amp;y:</translation>
    </message>
    <message>
        <source>Select runs with results</source>
        <translation>Läufe mit Ergebnissen auswählen</translation>
    </message>
    <message>
        <source>Task accuracy</source>
        <translation>Aufgabengenauigkeit</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexity</translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation>Effizienz</translation>
    </message>
    <message>
        <source>SLMQuant scores (x100, higher is better)</source>
        <translation>SLMQuant-Bewertungen (×100, höher ist besser)</translation>
    </message>
    <message>
        <source>SLMQcons uses RTN on the same model as its reference: the paper's formula for the consumption track was not available.</source>
        <translation>SLMQcons verwendet RTN auf demselben Modell als Referenz: Die Formel des Papers für den Verbrauchs-Track war nicht verfügbar.</translation>
    </message>
    <message>
        <source>Trade-off</source>
        <translation>Zielkonflikt</translation>
    </message>
    <message>
        <source>Choose two metrics</source>
        <translation>Zwei Metriken wählen</translation>
    </message>
    <message>
        <source>reference: %1</source>
        <translation>Referenz: %1</translation>
    </message>
    <message>
        <source>no FP reference among the selection</source>
        <translation>keine FP-Referenz in der Auswahl</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Δ perplexity vs FP (%)</source>
        <translation>Δ Perplexity gegenüber FP (%)</translation>
    </message>
    <message>
        <source>perplexity (lower is better)</source>
        <translation>Perplexity (niedriger ist besser)</translation>
    </message>
    <message>
        <source>score</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>FP = 100</source>
        <translation>FP = 100</translation>
    </message>
</context>
<context>
    <name>slmq::ui::DistributionView</name>
    <message>
        <source>&amp;Run:</source>
        <translation>&amp;Lauf:</translation>
    </message>
    <message>
        <source>&amp;Block:</source>
        <translation>&amp;Block:</translation>
    </message>
    <message>
        <source>M&amp;odule:</source>
        <translation>M&amp;odul:</translation>
    </message>
    <message>
        <source>&amp;Tensor:</source>
        <translation>&amp;Tensor:</translation>
    </message>
    <message>
        <source>&amp;Log counts</source>
        <translation>&amp;Log. Anzahl</translation>
    </message>
    <message>
        <source>Distribution by stage</source>
        <translation>Verteilung nach Stufe</translation>
    </message>
    <message>
        <source>Select a run with statistics</source>
        <translation>Einen Lauf mit Statistiken auswählen</translation>
    </message>
    <message>
        <source>Per-channel absmax</source>
        <translation>Absmax pro Kanal</translation>
    </message>
    <message>
        <source>No channel statistics for this unit</source>
        <translation>Keine Kanalstatistiken für diese Einheit</translation>
    </message>
    <message>
        <source>Absmax along depth</source>
        <translation>Absmax über die Tiefe</translation>
    </message>
    <message>
        <source>Excess kurtosis along depth</source>
        <translation>Exzess-Kurtosis über die Tiefe</translation>
    </message>
    <message>
        <source>block %1 %2 %3</source>
        <translation>Block %1 %2 %3</translation>
    </message>
    <message>
        <source>Distribution of %1</source>
        <translation>Verteilung von %1</translation>
    </message>
    <message>
        <source> value</source>
        <translation>-Wert</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Per-channel absmax of %1</source>
        <translation>Absmax pro Kanal von %1</translation>
    </message>
    <message>
        <source>absmax</source>
        <translation>Absmax</translation>
    </message>
    <message>
        <source>excess kurtosis</source>
        <translation>Exzess-Kurtosis</translation>
    </message>
    <message>
        <source>Absmax of %1 %2 along depth</source>
        <translation>Absmax von %1 %2 über die Tiefe</translation>
    </message>
    <message>
        <source>Excess kurtosis of %1 %2 along depth</source>
        <translation>Exzess-Kurtosis von %1 %2 über die Tiefe</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ExportDialog</name>
    <message>
        <source>Export size</source>
        <translation>Exportgröße</translation>
    </message>
    <message>
        <source>Screen (1600 x 1000 px, 192 DPI)</source>
        <translation>Bildschirm (1600 × 1000 px, 192 DPI)</translation>
    </message>
    <message>
        <source>Paper column (1050 x 750 px, 300 DPI)</source>
        <translation>Zeitschriftenspalte (1050 × 750 px, 300 DPI)</translation>
    </message>
    <message>
        <source>Paper page width (2100 x 1300 px, 300 DPI)</source>
        <translation>Volle Seitenbreite (2100 × 1300 px, 300 DPI)</translation>
    </message>
    <message>
        <source>Slide (1920 x 1080 px, 144 DPI)</source>
        <translation>Folie (1920 × 1080 px, 144 DPI)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>&amp;Width:</source>
        <translation>&amp;Breite:</translation>
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation>&amp;Höhe:</translation>
    </message>
    <message>
        <source>&amp;Resolution (DPI):</source>
        <translation>&amp;Auflösung (DPI):</translation>
    </message>
</context>
<context>
    <name>slmq::ui::GroupedBarChart</name>
    <message>
        <source>%1 · %2: %3</source>
        <translation>%1 · %2: %3</translation>
    </message>
    <message>
        <source>
%1: %2</source>
        <translation>
%1: %2</translation>
    </message>
</context>
<context>
    <name>slmq::ui::HeatmapChart</name>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>module</source>
        <translation>Modul</translation>
    </message>
    <message>
        <source>no measurement</source>
        <translation>keine Messung</translation>
    </message>
    <message>
        <source>%1 %2, %3 %4
%5 = %6</source>
        <translation>%1 %2, %3 %4
%5 = %6</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
</context>
<context>
    <name>slmq::ui::HistogramChart</name>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>&amp;Logarithmic counts</source>
        <translation>&amp;Logarithmische Anzahl</translation>
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
        <translation>Abbruch: Prozess %1 wird beendet</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>slmq crashed%1</source>
        <translation>slmq ist abgestürzt%1</translation>
    </message>
    <message>
        <source>slmq exited with code %1</source>
        <translation>slmq wurde mit Code %1 beendet</translation>
    </message>
    <message>
        <source>cancelled by user</source>
        <translation>vom Benutzer abgebrochen</translation>
    </message>
    <message>
        <source>Cannot write the study spec %1: %2</source>
        <translation>Die Studienspezifikation %1 kann nicht geschrieben werden: %2</translation>
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
        <translation>Hier erscheint das Protokoll des gewählten Auftrags</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop this job (its run is marked cancelled)</source>
        <translation>Diesen Auftrag stoppen (sein Lauf wird als abgebrochen markiert)</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Rest %1</translation>
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
        <translation>Eine leere Arbeitsbereichsdatei anlegen</translation>
    </message>
    <message>
        <source>&amp;Open workspace...</source>
        <translation>Arbeitsbereich ö&amp;ffnen...</translation>
    </message>
    <message>
        <source>Open another workspace file</source>
        <translation>Eine andere Arbeitsbereichsdatei öffnen</translation>
    </message>
    <message>
        <source>&amp;Add model...</source>
        <translation>Modell &amp;hinzufügen...</translation>
    </message>
    <message>
        <source>Add a Hugging Face model directory or a GGUF file</source>
        <translation>Ein Hugging-Face-Modellverzeichnis oder eine GGUF-Datei hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Quit the workbench</source>
        <translation>Die Workbench beenden</translation>
    </message>
    <message>
        <source>&amp;New study...</source>
        <translation>&amp;Neue Studie...</translation>
    </message>
    <message>
        <source>Set up and run a quantization study</source>
        <translation>Eine Quantisierungsstudie einrichten und ausführen</translation>
    </message>
    <message>
        <source>Run the &amp;default study</source>
        <translation>&amp;Standardstudie ausführen</translation>
    </message>
    <message>
        <source>FP, RTN W8A8, SmoothQuant W8A8, GPTQ W4A16 and a sensitivity grid on smol-ref</source>
        <translation>FP, RTN W8A8, SmoothQuant W8A8, GPTQ W4A16 und ein Empfindlichkeitsraster auf smol-ref</translation>
    </message>
    <message>
        <source>&amp;Cancel all jobs</source>
        <translation>Alle Aufträge a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the running job and empty the queue</source>
        <translation>Den laufenden Auftrag stoppen und die Warteschlange leeren</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>Anordnung &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>Put every dock back where it started</source>
        <translation>Alle Bereiche an ihre Ausgangsposition zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Sensitivity view</source>
        <translation>&amp;Empfindlichkeitsansicht</translation>
    </message>
    <message>
        <source>Show the per-layer sensitivity heatmaps</source>
        <translation>Die Empfindlichkeits-Heatmaps pro Schicht zeigen</translation>
    </message>
    <message>
        <source>&amp;Distributions view</source>
        <translation>&amp;Verteilungsansicht</translation>
    </message>
    <message>
        <source>Show weight and activation distributions</source>
        <translation>Gewichts- und Aktivierungsverteilungen zeigen</translation>
    </message>
    <message>
        <source>&amp;Comparison view</source>
        <translation>Ver&amp;gleichsansicht</translation>
    </message>
    <message>
        <source>Compare the selected runs' metrics</source>
        <translation>Die Metriken der gewählten Läufe vergleichen</translation>
    </message>
    <message>
        <source>Export &amp;chart...</source>
        <translation>&amp;Diagramm exportieren...</translation>
    </message>
    <message>
        <source>Export the chart under focus as PNG, SVG or PDF</source>
        <translation>Das fokussierte Diagramm als PNG, SVG oder PDF exportieren</translation>
    </message>
    <message>
        <source>Export chart &amp;data...</source>
        <translation>Diagramm&amp;daten exportieren...</translation>
    </message>
    <message>
        <source>Export the data of the chart under focus as CSV</source>
        <translation>Die Daten des fokussierten Diagramms als CSV exportieren</translation>
    </message>
    <message>
        <source>Export &amp;report...</source>
        <translation>&amp;Bericht exportieren...</translation>
    </message>
    <message>
        <source>Write an HTML or PDF report of the selected runs</source>
        <translation>Einen HTML- oder PDF-Bericht der gewählten Läufe schreiben</translation>
    </message>
    <message>
        <source>&amp;About SLMQuant Workbench</source>
        <translation>&amp;Über SLMQuant Workbench</translation>
    </message>
    <message>
        <source>Version and licence</source>
        <translation>Version und Lizenz</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Qt version</source>
        <translation>Qt-Version</translation>
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
        <translation>Auftrag %1 fehlgeschlagen: %2</translation>
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
        <translation>Kein Diagramm zum Exportieren: zuerst Läufe mit Ergebnissen auswählen</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Opened workspace %1</source>
        <translation>Arbeitsbereich %1 geöffnet</translation>
    </message>
    <message>
        <source>Job: %1</source>
        <translation>Auftrag: %1</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Rest %1</translation>
    </message>
    <message>
        <source>Open a workspace first</source>
        <translation>Zuerst einen Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>New study</source>
        <translation>Neue Studie</translation>
    </message>
    <message>
        <source>The default study needs an open workspace and %1</source>
        <translation>Die Standardstudie braucht einen geöffneten Arbeitsbereich und %1</translation>
    </message>
    <message>
        <source>Select one or more runs in the Runs panel first</source>
        <translation>Zuerst einen oder mehrere Läufe im Bereich „Läufe“ auswählen</translation>
    </message>
    <message numerus="yes">
        <source>Report of %n run(s) written to %1</source>
        <translation>
            <numerusform>Bericht über %n Lauf nach %1 geschrieben</numerusform><numerusform>Bericht über %n Läufe nach %1 geschrieben</numerusform></translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>HTML report (*.html);;PDF report (*.pdf)</source>
        <translation>HTML-Bericht (*.html);;PDF-Bericht (*.pdf)</translation>
    </message>
    <message>
        <source>%1 — SLMQuant Workbench</source>
        <translation>%1 — SLMQuant Workbench</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>Kein Arbeitsbereich</translation>
    </message>
    <message>
        <source>New workspace</source>
        <translation>Neuer Arbeitsbereich</translation>
    </message>
    <message>
        <source>Workspaces (*.sqlite *.slmq);;All files (*)</source>
        <translation>Arbeitsbereiche (*.sqlite *.slmq);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>%1 already exists; use Open workspace to open it.</source>
        <translation>%1 existiert bereits; zum Öffnen „Arbeitsbereich öffnen“ verwenden.</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>About SLMQuant Workbench</source>
        <translation>Über SLMQuant Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;SLMQuant Workbench %1&lt;/h3&gt;&lt;p&gt;Quantize small language models and see what quantization does to them: sensitivity, outliers, and the SLMQuant benchmark's compression, inference and consumption tracks.&lt;/p&gt;&lt;p&gt;Assets: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SLMQuant Workbench %1&lt;/h3&gt;&lt;p&gt;Kleine Sprachmodelle quantisieren und sehen, was die Quantisierung mit ihnen macht: Empfindlichkeit, Ausreißer und die Kompressions-, Inferenz- und Verbrauchs-Tracks des SLMQuant-Benchmarks.&lt;/p&gt;&lt;p&gt;Assets: %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Jobs are still running. Cancel them and quit?</source>
        <translation>Es laufen noch Aufträge. Abbrechen und beenden?</translation>
    </message>
</context>
<context>
    <name>slmq::ui::MetricsTableModel</name>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>± stderr</source>
        <translation>± Std.-Fehler</translation>
    </message>
    <message>
        <source>FP</source>
        <translation>FP</translation>
    </message>
    <message>
        <source>Δ vs FP</source>
        <translation>Δ zu FP</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ModelListModel</name>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>%1 kB</source>
        <translation>%1 kB</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>From the shared assets folder</source>
        <translation>Aus dem gemeinsamen Asset-Ordner</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
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
        <translation>Ein Hugging-Face-Modellverzeichnis oder eine GGUF-Datei hinzufügen (oder hierher ziehen)</translation>
    </message>
    <message>
        <source>Not a model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>Add a model directory or GGUF file</source>
        <translation>Ein Modellverzeichnis oder eine GGUF-Datei hinzufügen</translation>
    </message>
    <message>
        <source>Models (config.json *.gguf *.safetensors)</source>
        <translation>Modelle (config.json *.gguf *.safetensors)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
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
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>also run the FP (16-bit) baseline</source>
        <translation>auch die FP-Basislinie (16 Bit) ausführen</translation>
    </message>
    <message>
        <source>M&amp;ethods:</source>
        <translation>M&amp;ethoden:</translation>
    </message>
    <message>
        <source>&amp;Bit settings:</source>
        <translation>&amp;Bit-Einstellungen:</translation>
    </message>
    <message>
        <source>samples:</source>
        <translation>Stichproben:</translation>
    </message>
    <message>
        <source>&amp;Calibration:</source>
        <translation>&amp;Kalibrierung:</translation>
    </message>
    <message>
        <source>&amp;Perplexity on:</source>
        <translation>&amp;Perplexity auf:</translation>
    </message>
    <message>
        <source>whole file</source>
        <translation>ganze Datei</translation>
    </message>
    <message>
        <source>Max c&amp;hunks:</source>
        <translation>Max. A&amp;bschnitte:</translation>
    </message>
    <message>
        <source>&amp;Tasks:</source>
        <translation>&amp;Aufgaben:</translation>
    </message>
    <message>
        <source>all items</source>
        <translation>alle Einträge</translation>
    </message>
    <message>
        <source>Task &amp;limit:</source>
        <translation>Aufgaben&amp;limit:</translation>
    </message>
    <message>
        <source>per-layer &amp;sensitivity (W8, W4, W3)</source>
        <translation>&amp;Empfindlichkeit pro Schicht (W8, W4, W3)</translation>
    </message>
    <message>
        <source>weight and activation s&amp;tatistics</source>
        <translation>Gewichts- und Aktivierungs&amp;statistiken</translation>
    </message>
    <message>
        <source>Analyses:</source>
        <translation>Analysen:</translation>
    </message>
    <message>
        <source>ExperimentSpec preview (JSON):</source>
        <translation>ExperimentSpec-Vorschau (JSON):</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) will be queued.</source>
        <translation>
            <numerusform>%n Lauf wird eingereiht.</numerusform><numerusform>%n Läufe werden eingereiht.</numerusform></translation>
    </message>
    <message>
        <source>Invalid study: %1</source>
        <translation>Ungültige Studie: %1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot export %1: %2</source>
        <translation>%1 kann nicht exportiert werden: %2</translation>
    </message>
    <message>
        <source>Cannot export %1: folder %2 does not exist</source>
        <translation>%1 kann nicht exportiert werden: Ordner %2 existiert nicht</translation>
    </message>
    <message>
        <source>size %1x%2 px is outside 16..20000 px</source>
        <translation>Größe %1×%2 px liegt außerhalb von 16..20000 px</translation>
    </message>
    <message>
        <source>%1 DPI is outside 24..1200</source>
        <translation>%1 DPI liegt außerhalb von 24..1200</translation>
    </message>
    <message>
        <source>Cannot write PNG %1 (is the folder writable?)</source>
        <translation>PNG %1 kann nicht geschrieben werden (ist der Ordner beschreibbar?)</translation>
    </message>
    <message>
        <source>Exported by SLMQuant Workbench</source>
        <translation>Exportiert von SLMQuant Workbench</translation>
    </message>
    <message>
        <source>Cannot write SVG %1 (is the folder writable?)</source>
        <translation>SVG %1 kann nicht geschrieben werden (ist der Ordner beschreibbar?)</translation>
    </message>
    <message>
        <source>Cannot write SVG %1</source>
        <translation>SVG %1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Cannot write PDF %1: %2</source>
        <translation>PDF %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot write PDF %1</source>
        <translation>PDF %1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>%1 by dataset</source>
        <translation>%1 nach Datensatz</translation>
    </message>
    <message>
        <source>SLMQuant Workbench report — %1</source>
        <translation>SLMQuant-Workbench-Bericht — %1</translation>
    </message>
    <message>
        <source>No workspace is open</source>
        <translation>Kein Arbeitsbereich geöffnet</translation>
    </message>
    <message>
        <source>None of the selected runs exists in %1</source>
        <translation>Keiner der gewählten Läufe existiert in %1</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Bits (W/A)</source>
        <translation>Bits (W/A)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>Fehler:</translation>
    </message>
    <message>
        <source>No metrics stored.</source>
        <translation>Keine Metriken gespeichert.</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Std. error</source>
        <translation>Std.-Fehler</translation>
    </message>
    <message>
        <source>Experiment spec</source>
        <translation>Experimentspezifikation</translation>
    </message>
    <message>
        <source>Cannot write report %1: %2</source>
        <translation>Bericht %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot write report %1</source>
        <translation>Bericht %1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexity</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>normalised accuracy</source>
        <translation>normalisierte Genauigkeit</translation>
    </message>
    <message>
        <source>mean KL divergence vs FP</source>
        <translation>mittlere KL-Divergenz zu FP</translation>
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
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>Lauf %1: %2</translation>
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
        <translation>PPL</translation>
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
        <translation>Läufe dieses Modells zeigen</translation>
    </message>
    <message>
        <source>any method</source>
        <translation>jede Methode</translation>
    </message>
    <message>
        <source>Show runs of this method</source>
        <translation>Läufe dieser Methode zeigen</translation>
    </message>
    <message>
        <source>any bits</source>
        <translation>jede Bitbreite</translation>
    </message>
    <message>
        <source>Show runs of this bit setting</source>
        <translation>Läufe dieser Bit-Einstellung zeigen</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>jeder Status</translation>
    </message>
    <message>
        <source>Show runs with this status</source>
        <translation>Läufe mit diesem Status zeigen</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Delete %n run(s)...</source>
        <translation>
            <numerusform>%n Lauf &amp;löschen...</numerusform><numerusform>%n Läufe &amp;löschen...</numerusform></translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>Läufe löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and all their results from the workspace?</source>
        <translation>
            <numerusform>%n Lauf und alle seine Ergebnisse aus dem Arbeitsbereich löschen?</numerusform><numerusform>%n Läufe und alle ihre Ergebnisse aus dem Arbeitsbereich löschen?</numerusform></translation>
    </message>
</context>
<context>
    <name>slmq::ui::ScatterChart</name>
    <message>
        <source>Pareto front</source>
        <translation>Pareto-Front</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>Referenz</translation>
    </message>
</context>
<context>
    <name>slmq::ui::SensitivityView</name>
    <message>
        <source>ΔPPL</source>
        <translation>ΔPPL</translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation>KL-Divergenz</translation>
    </message>
    <message>
        <source>output MSE</source>
        <translation>Ausgabe-MSE</translation>
    </message>
    <message>
        <source>bits chosen</source>
        <translation>gewählte Bits</translation>
    </message>
    <message>
        <source>%1 considered</source>
        <translation>%1 (erwogen)</translation>
    </message>
    <message>
        <source>&amp;Run:</source>
        <translation>&amp;Lauf:</translation>
    </message>
    <message>
        <source>Run whose sensitivity scan is shown</source>
        <translation>Lauf, dessen Empfindlichkeitsscan gezeigt wird</translation>
    </message>
    <message>
        <source>&amp;Beside:</source>
        <translation>&amp;Daneben:</translation>
    </message>
    <message>
        <source>A second run drawn beside it on the same colour scale</source>
        <translation>Ein zweiter Lauf daneben auf derselben Farbskala</translation>
    </message>
    <message>
        <source>&amp;Setting:</source>
        <translation>&amp;Einstellung:</translation>
    </message>
    <message>
        <source>Bit width of the scan</source>
        <translation>Bitbreite des Scans</translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation>&amp;Metrik:</translation>
    </message>
    <message>
        <source>What was measured per unit</source>
        <translation>Was pro Einheit gemessen wurde</translation>
    </message>
    <message>
        <source>Select a run with a sensitivity scan</source>
        <translation>Einen Lauf mit Empfindlichkeitsscan auswählen</translation>
    </message>
    <message>
        <source>Click a cell to see that unit across settings</source>
        <translation>Eine Zelle anklicken, um die Einheit über alle Einstellungen zu sehen</translation>
    </message>
    <message>
        <source>No unit selected</source>
        <translation>Keine Einheit ausgewählt</translation>
    </message>
    <message>
        <source>No weight distribution recorded for this unit</source>
        <translation>Für diese Einheit ist keine Gewichtsverteilung gespeichert</translation>
    </message>
    <message>
        <source>weight value</source>
        <translation>Gewichtswert</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>W%1</source>
        <translation>W%1</translation>
    </message>
    <message>
        <source>mode: all but this unit quantized</source>
        <translation>Modus: alles außer dieser Einheit quantisiert</translation>
    </message>
    <message>
        <source>mode: only this unit quantized</source>
        <translation>Modus: nur diese Einheit quantisiert</translation>
    </message>
    <message>
        <source>Layer %1, %2: %3 at every setting</source>
        <translation>Schicht %1, %2: %3 bei jeder Einstellung</translation>
    </message>
</context>
<context>
    <name>slmq::ui::StoreAdapter</name>
    <message>
        <source>Cannot open workspace %1: %2</source>
        <translation>Arbeitsbereich %1 kann nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Quantize small language models and see what it does.</source>
        <translation>Kleine Sprachmodelle quantisieren und die Wirkung sehen.</translation>
    </message>
    <message>
        <source>Open the workspace store at &lt;path&gt; (created if missing).</source>
        <translation>Den Arbeitsbereich unter &lt;path&gt; öffnen (wird bei Bedarf angelegt).</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Arbeitsbereich</translation>
    </message>
    <message>
        <source>User-interface language (de, zh_CN, en); default: the setting, else the system locale.</source>
        <translation>Sprache der Oberfläche (de, zh_CN, en); Vorgabe: die Einstellung, sonst die Systemsprache.</translation>
    </message>
    <message>
        <source>Start the default study on smol-ref when the workspace holds no runs.</source>
        <translation>Die Standardstudie auf smol-ref starten, wenn der Arbeitsbereich keine Läufe enthält.</translation>
    </message>
    <message>
        <source>Open every view once on an in-memory store and exit (0 = all worked).</source>
        <translation>Jede Ansicht einmal auf einem Speicher im Arbeitsspeicher öffnen und beenden (0 = alles funktionierte).</translation>
    </message>
</context>
<context>
    <name>slmq::ui::StoreAdapter</name>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ModelCatalog</name>
    <message>
        <source>%1 does not exist</source>
        <translation>%1 existiert nicht</translation>
    </message>
    <message>
        <source>%1 holds pytorch_model.bin (a pickle, which is never loaded); convert the model to safetensors</source>
        <translation>%1 enthält pytorch_model.bin (ein Pickle, das nie geladen wird); das Modell nach safetensors konvertieren</translation>
    </message>
    <message>
        <source>%1 is not a model directory (needs config.json and *.safetensors, or a .gguf file)</source>
        <translation>%1 ist kein Modellverzeichnis (braucht config.json und *.safetensors oder eine .gguf-Datei)</translation>
    </message>
    <message>
        <source>%1 is not a model file (expected a directory with safetensors, or .gguf)</source>
        <translation>%1 ist keine Modelldatei (erwartet: ein Verzeichnis mit safetensors oder .gguf)</translation>
    </message>
</context>
</TS>