<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>slmq::ui::ChannelChart</name>
    <message>
        <source>channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>outlier (&gt; %1 x median)</source>
        <translation>离群值（&gt; %1 × 中位数）</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ChartWidget</name>
    <message>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Cannot write CSV %1: %2</source>
        <translation>无法写入 CSV %1：%2</translation>
    </message>
    <message>
        <source>Export as &amp;PNG...</source>
        <translation>导出为 &amp;PNG...</translation>
    </message>
    <message>
        <source>Export as &amp;SVG...</source>
        <translation>导出为 &amp;SVG...</translation>
    </message>
    <message>
        <source>Export as P&amp;DF...</source>
        <translation>导出为 P&amp;DF...</translation>
    </message>
    <message>
        <source>Export data as &amp;CSV...</source>
        <translation>导出数据为 &amp;CSV...</translation>
    </message>
    <message>
        <source>&amp;Copy to clipboard</source>
        <translation>复制到剪贴板(&amp;C)</translation>
    </message>
    <message>
        <source> files (*.%1)</source>
        <translation> 文件 (*.%1)</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ComparisonView</name>
    <message>
        <source>&amp;Accuracy:</source>
        <translation>准确率(&amp;A)：</translation>
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
        <translation>困惑度(&amp;P)：</translation>
    </message>
    <message>
        <source>Change against the FP reference shows differences of a few percent that bars of absolute perplexity hide</source>
        <translation>相对 FP 参考的变化能显示绝对困惑度柱状图所掩盖的几个百分点的差异</translation>
    </message>
    <message>
        <source>change vs FP (%)</source>
        <translation>相对 FP 的变化（%）</translation>
    </message>
    <message>
        <source>absolute</source>
        <translation>绝对值</translation>
    </message>
    <message>
        <source>&amp;Efficiency:</source>
        <translation>效率(&amp;E)：</translation>
    </message>
    <message>
        <source>Scatter &amp;x:</source>
        <translation>散点图 &amp;x：</translation>
    </message>
    <message>
        <source>&amp;y:</source>
        <translation>&amp;y：</translation>
    </message>
    <message>
        <source>Select runs with results</source>
        <translation>请选择有结果的运行</translation>
    </message>
    <message>
        <source>Task accuracy</source>
        <translation>任务准确率</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度 (Perplexity)</translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation>效率</translation>
    </message>
    <message>
        <source>SLMQuant scores (x100, higher is better)</source>
        <translation>SLMQuant 得分（×100，越高越好）</translation>
    </message>
    <message>
        <source>SLMQcons uses RTN on the same model as its reference: the paper's formula for the consumption track was not available.</source>
        <translation>SLMQcons 以同一模型的 RTN 结果为参考：论文中消耗赛道的公式不可用。</translation>
    </message>
    <message>
        <source>Trade-off</source>
        <translation>权衡</translation>
    </message>
    <message>
        <source>Choose two metrics</source>
        <translation>请选择两个指标</translation>
    </message>
    <message>
        <source>reference: %1</source>
        <translation>参考：%1</translation>
    </message>
    <message>
        <source>no FP reference among the selection</source>
        <translation>所选运行中没有 FP 参考</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Δ perplexity vs FP (%)</source>
        <translation>困惑度相对 FP 的变化（%）</translation>
    </message>
    <message>
        <source>perplexity (lower is better)</source>
        <translation>困惑度（越低越好）</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
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
        <translation>运行(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Block:</source>
        <translation>块(&amp;B)：</translation>
    </message>
    <message>
        <source>M&amp;odule:</source>
        <translation>模块(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Tensor:</source>
        <translation>张量(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Log counts</source>
        <translation>对数计数(&amp;L)</translation>
    </message>
    <message>
        <source>Distribution by stage</source>
        <translation>各阶段分布</translation>
    </message>
    <message>
        <source>Select a run with statistics</source>
        <translation>请选择有统计数据的运行</translation>
    </message>
    <message>
        <source>Per-channel absmax</source>
        <translation>逐通道绝对最大值</translation>
    </message>
    <message>
        <source>No channel statistics for this unit</source>
        <translation>该单元无通道统计</translation>
    </message>
    <message>
        <source>Absmax along depth</source>
        <translation>沿深度的绝对最大值</translation>
    </message>
    <message>
        <source>Excess kurtosis along depth</source>
        <translation>沿深度的超额峰度</translation>
    </message>
    <message>
        <source>block %1 %2 %3</source>
        <translation>块 %1 %2 %3</translation>
    </message>
    <message>
        <source>Distribution of %1</source>
        <translation>%1 的分布</translation>
    </message>
    <message>
        <source> value</source>
        <translation> 值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Per-channel absmax of %1</source>
        <translation>%1 的逐通道绝对最大值</translation>
    </message>
    <message>
        <source>absmax</source>
        <translation>绝对最大值</translation>
    </message>
    <message>
        <source>excess kurtosis</source>
        <translation>超额峰度</translation>
    </message>
    <message>
        <source>Absmax of %1 %2 along depth</source>
        <translation>%1 %2 沿深度的绝对最大值</translation>
    </message>
    <message>
        <source>Excess kurtosis of %1 %2 along depth</source>
        <translation>%1 %2 沿深度的超额峰度</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ExportDialog</name>
    <message>
        <source>Export size</source>
        <translation>导出尺寸</translation>
    </message>
    <message>
        <source>Screen (1600 x 1000 px, 192 DPI)</source>
        <translation>屏幕（1600 × 1000 px，192 DPI）</translation>
    </message>
    <message>
        <source>Paper column (1050 x 750 px, 300 DPI)</source>
        <translation>论文单栏（1050 × 750 px，300 DPI）</translation>
    </message>
    <message>
        <source>Paper page width (2100 x 1300 px, 300 DPI)</source>
        <translation>论文通栏（2100 × 1300 px，300 DPI）</translation>
    </message>
    <message>
        <source>Slide (1920 x 1080 px, 144 DPI)</source>
        <translation>幻灯片（1920 × 1080 px，144 DPI）</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>预设(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Width:</source>
        <translation>宽度(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation>高度(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Resolution (DPI):</source>
        <translation>分辨率 (DPI)(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>slmq::ui::GroupedBarChart</name>
    <message>
        <source>%1 · %2: %3</source>
        <translation>%1 · %2：%3</translation>
    </message>
    <message>
        <source>
%1: %2</source>
        <translation>
%1：%2</translation>
    </message>
</context>
<context>
    <name>slmq::ui::HeatmapChart</name>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>no measurement</source>
        <translation>无测量值</translation>
    </message>
    <message>
        <source>%1 %2, %3 %4
%5 = %6</source>
        <translation>%1 %2，%3 %4
%5 = %6</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>slmq::ui::HistogramChart</name>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>&amp;Logarithmic counts</source>
        <translation>对数计数(&amp;L)</translation>
    </message>
</context>
<context>
    <name>slmq::ui::JobController</name>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Cancelling: terminating process %1</source>
        <translation>正在取消：终止进程 %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>slmq crashed%1</source>
        <translation>slmq 崩溃%1</translation>
    </message>
    <message>
        <source>slmq exited with code %1</source>
        <translation>slmq 以代码 %1 退出</translation>
    </message>
    <message>
        <source>cancelled by user</source>
        <translation>用户已取消</translation>
    </message>
    <message>
        <source>Cannot write the study spec %1: %2</source>
        <translation>无法写入研究配置 %1：%2</translation>
    </message>
</context>
<context>
    <name>slmq::ui::JobsDock</name>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>The selected job's log appears here</source>
        <translation>所选任务的日志显示在此处</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this job (its run is marked cancelled)</source>
        <translation>停止此任务（其运行将标记为已取消）</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>剩余 %1</translation>
    </message>
</context>
<context>
    <name>slmq::ui::MainActions</name>
    <message>
        <source>&amp;New workspace...</source>
        <translation>新建工作区(&amp;N)...</translation>
    </message>
    <message>
        <source>Create an empty workspace file</source>
        <translation>创建空的工作区文件</translation>
    </message>
    <message>
        <source>&amp;Open workspace...</source>
        <translation>打开工作区(&amp;O)...</translation>
    </message>
    <message>
        <source>Open another workspace file</source>
        <translation>打开另一个工作区文件</translation>
    </message>
    <message>
        <source>&amp;Add model...</source>
        <translation>添加模型(&amp;A)...</translation>
    </message>
    <message>
        <source>Add a Hugging Face model directory or a GGUF file</source>
        <translation>添加 Hugging Face 模型目录或 GGUF 文件</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit the workbench</source>
        <translation>退出工作台</translation>
    </message>
    <message>
        <source>&amp;New study...</source>
        <translation>新建研究(&amp;N)...</translation>
    </message>
    <message>
        <source>Set up and run a quantization study</source>
        <translation>设置并运行量化研究</translation>
    </message>
    <message>
        <source>Run the &amp;default study</source>
        <translation>运行默认研究(&amp;D)</translation>
    </message>
    <message>
        <source>FP, RTN W8A8, SmoothQuant W8A8, GPTQ W4A16 and a sensitivity grid on smol-ref</source>
        <translation>在 smol-ref 上运行 FP、RTN W8A8、SmoothQuant W8A8、GPTQ W4A16 和敏感度网格</translation>
    </message>
    <message>
        <source>&amp;Cancel all jobs</source>
        <translation>取消所有任务(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the running job and empty the queue</source>
        <translation>停止正在运行的任务并清空队列</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>Put every dock back where it started</source>
        <translation>将所有停靠面板恢复到初始位置</translation>
    </message>
    <message>
        <source>&amp;Sensitivity view</source>
        <translation>敏感度视图(&amp;S)</translation>
    </message>
    <message>
        <source>Show the per-layer sensitivity heatmaps</source>
        <translation>显示逐层敏感度热图</translation>
    </message>
    <message>
        <source>&amp;Distributions view</source>
        <translation>分布视图(&amp;D)</translation>
    </message>
    <message>
        <source>Show weight and activation distributions</source>
        <translation>显示权重和激活分布</translation>
    </message>
    <message>
        <source>&amp;Comparison view</source>
        <translation>比较视图(&amp;C)</translation>
    </message>
    <message>
        <source>Compare the selected runs' metrics</source>
        <translation>比较所选运行的指标</translation>
    </message>
    <message>
        <source>Export &amp;chart...</source>
        <translation>导出图表(&amp;C)...</translation>
    </message>
    <message>
        <source>Export the chart under focus as PNG, SVG or PDF</source>
        <translation>将当前图表导出为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <source>Export chart &amp;data...</source>
        <translation>导出图表数据(&amp;D)...</translation>
    </message>
    <message>
        <source>Export the data of the chart under focus as CSV</source>
        <translation>将当前图表的数据导出为 CSV</translation>
    </message>
    <message>
        <source>Export &amp;report...</source>
        <translation>导出报告(&amp;R)...</translation>
    </message>
    <message>
        <source>Write an HTML or PDF report of the selected runs</source>
        <translation>为所选运行生成 HTML 或 PDF 报告</translation>
    </message>
    <message>
        <source>&amp;About SLMQuant Workbench</source>
        <translation>关于 SLMQuant Workbench(&amp;A)</translation>
    </message>
    <message>
        <source>Version and licence</source>
        <translation>版本和许可证</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>Qt version</source>
        <translation>Qt 版本</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Study</source>
        <translation>研究(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
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
        <translation>任务 %1 失败：%2</translation>
    </message>
    <message>
        <source>Se&amp;nsitivity</source>
        <translation>敏感度(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Distributions</source>
        <translation>分布(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Comparison</source>
        <translation>比较(&amp;C)</translation>
    </message>
    <message>
        <source>No chart to export: select runs with results first</source>
        <translation>没有可导出的图表：请先选择有结果的运行</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Opened workspace %1</source>
        <translation>已打开工作区 %1</translation>
    </message>
    <message>
        <source>Job: %1</source>
        <translation>任务：%1</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>Open a workspace first</source>
        <translation>请先打开工作区</translation>
    </message>
    <message>
        <source>New study</source>
        <translation>新建研究</translation>
    </message>
    <message>
        <source>The default study needs an open workspace and %1</source>
        <translation>默认研究需要已打开的工作区和 %1</translation>
    </message>
    <message>
        <source>Select one or more runs in the Runs panel first</source>
        <translation>请先在“运行”面板中选择一个或多个运行</translation>
    </message>
    <message numerus="yes">
        <source>Report of %n run(s) written to %1</source>
        <translation>
            <numerusform>%n 个运行的报告已写入 %1</numerusform></translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>HTML report (*.html);;PDF report (*.pdf)</source>
        <translation>HTML 报告 (*.html);;PDF 报告 (*.pdf)</translation>
    </message>
    <message>
        <source>%1 — SLMQuant Workbench</source>
        <translation>%1 — SLMQuant Workbench</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>无工作区</translation>
    </message>
    <message>
        <source>New workspace</source>
        <translation>新建工作区</translation>
    </message>
    <message>
        <source>Workspaces (*.sqlite *.slmq);;All files (*)</source>
        <translation>工作区 (*.sqlite *.slmq);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 already exists; use Open workspace to open it.</source>
        <translation>%1 已存在；请使用“打开工作区”打开它。</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>About SLMQuant Workbench</source>
        <translation>关于 SLMQuant Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;SLMQuant Workbench %1&lt;/h3&gt;&lt;p&gt;Quantize small language models and see what quantization does to them: sensitivity, outliers, and the SLMQuant benchmark's compression, inference and consumption tracks.&lt;/p&gt;&lt;p&gt;Assets: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SLMQuant Workbench %1&lt;/h3&gt;&lt;p&gt;量化小型语言模型并观察量化对其的影响：敏感度、离群值，以及 SLMQuant 基准的压缩、推理和消耗赛道。&lt;/p&gt;&lt;p&gt;资源：%2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Jobs are still running. Cancel them and quit?</source>
        <translation>仍有任务在运行。取消它们并退出吗？</translation>
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
        <translation>运行</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>± stderr</source>
        <translation>± 标准误</translation>
    </message>
    <message>
        <source>FP</source>
        <translation>FP</translation>
    </message>
    <message>
        <source>Δ vs FP</source>
        <translation>相对 FP 的 Δ</translation>
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
        <translation>来自共享资源文件夹</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ModelsDock</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;Add model...</source>
        <translation>添加模型(&amp;A)...</translation>
    </message>
    <message>
        <source>Add a Hugging Face model directory or a GGUF file (or drop one here)</source>
        <translation>添加 Hugging Face 模型目录或 GGUF 文件（或拖放到此处）</translation>
    </message>
    <message>
        <source>Not a model</source>
        <translation>不是模型</translation>
    </message>
    <message>
        <source>Add a model directory or GGUF file</source>
        <translation>添加模型目录或 GGUF 文件</translation>
    </message>
    <message>
        <source>Models (config.json *.gguf *.safetensors)</source>
        <translation>模型 (config.json *.gguf *.safetensors)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
</context>
<context>
    <name>slmq::ui::NewStudyDialog</name>
    <message>
        <source>New study</source>
        <translation>新建研究</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>also run the FP (16-bit) baseline</source>
        <translation>同时运行 FP（16 位）基线</translation>
    </message>
    <message>
        <source>M&amp;ethods:</source>
        <translation>方法(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Bit settings:</source>
        <translation>位宽设置(&amp;B)：</translation>
    </message>
    <message>
        <source>samples:</source>
        <translation>样本数：</translation>
    </message>
    <message>
        <source>&amp;Calibration:</source>
        <translation>校准(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Perplexity on:</source>
        <translation>困惑度数据(&amp;P)：</translation>
    </message>
    <message>
        <source>whole file</source>
        <translation>整个文件</translation>
    </message>
    <message>
        <source>Max c&amp;hunks:</source>
        <translation>最大分块数(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Tasks:</source>
        <translation>任务(&amp;T)：</translation>
    </message>
    <message>
        <source>all items</source>
        <translation>全部条目</translation>
    </message>
    <message>
        <source>Task &amp;limit:</source>
        <translation>任务条目上限(&amp;L)：</translation>
    </message>
    <message>
        <source>per-layer &amp;sensitivity (W8, W4, W3)</source>
        <translation>逐层敏感度(&amp;S)（W8、W4、W3）</translation>
    </message>
    <message>
        <source>weight and activation s&amp;tatistics</source>
        <translation>权重和激活统计(&amp;T)</translation>
    </message>
    <message>
        <source>Analyses:</source>
        <translation>分析：</translation>
    </message>
    <message>
        <source>ExperimentSpec preview (JSON):</source>
        <translation>ExperimentSpec 预览（JSON）：</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) will be queued.</source>
        <translation>
            <numerusform>将排队 %n 个运行。</numerusform></translation>
    </message>
    <message>
        <source>Invalid study: %1</source>
        <translation>无效的研究：%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot export %1: %2</source>
        <translation>无法导出 %1：%2</translation>
    </message>
    <message>
        <source>Cannot export %1: folder %2 does not exist</source>
        <translation>无法导出 %1：文件夹 %2 不存在</translation>
    </message>
    <message>
        <source>size %1x%2 px is outside 16..20000 px</source>
        <translation>尺寸 %1×%2 px 超出 16..20000 px 范围</translation>
    </message>
    <message>
        <source>%1 DPI is outside 24..1200</source>
        <translation>%1 DPI 超出 24..1200 范围</translation>
    </message>
    <message>
        <source>Cannot write PNG %1 (is the folder writable?)</source>
        <translation>无法写入 PNG %1（文件夹是否可写？）</translation>
    </message>
    <message>
        <source>Exported by SLMQuant Workbench</source>
        <translation>由 SLMQuant Workbench 导出</translation>
    </message>
    <message>
        <source>Cannot write SVG %1 (is the folder writable?)</source>
        <translation>无法写入 SVG %1（文件夹是否可写？）</translation>
    </message>
    <message>
        <source>Cannot write SVG %1</source>
        <translation>无法写入 SVG %1</translation>
    </message>
    <message>
        <source>Cannot write PDF %1: %2</source>
        <translation>无法写入 PDF %1：%2</translation>
    </message>
    <message>
        <source>Cannot write PDF %1</source>
        <translation>无法写入 PDF %1</translation>
    </message>
    <message>
        <source>%1 by dataset</source>
        <translation>按数据集的%1</translation>
    </message>
    <message>
        <source>SLMQuant Workbench report — %1</source>
        <translation>SLMQuant Workbench 报告 — %1</translation>
    </message>
    <message>
        <source>No workspace is open</source>
        <translation>未打开工作区</translation>
    </message>
    <message>
        <source>None of the selected runs exists in %1</source>
        <translation>所选运行均不存在于 %1 中</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Bits (W/A)</source>
        <translation>位宽 (W/A)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>错误：</translation>
    </message>
    <message>
        <source>No metrics stored.</source>
        <translation>未存储指标。</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Std. error</source>
        <translation>标准误</translation>
    </message>
    <message>
        <source>Experiment spec</source>
        <translation>实验配置</translation>
    </message>
    <message>
        <source>Cannot write report %1: %2</source>
        <translation>无法写入报告 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write report %1</source>
        <translation>无法写入报告 %1</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>normalised accuracy</source>
        <translation>归一化准确率</translation>
    </message>
    <message>
        <source>mean KL divergence vs FP</source>
        <translation>相对 FP 的平均 KL 散度</translation>
    </message>
</context>
<context>
    <name>slmq::ui::RunListModel</name>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>运行 %1：%2</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>位宽</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>PPL</source>
        <translation>PPL</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
</context>
<context>
    <name>slmq::ui::RunsDock</name>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Filter runs...</source>
        <translation>筛选运行...</translation>
    </message>
    <message>
        <source>any model</source>
        <translation>任意模型</translation>
    </message>
    <message>
        <source>Show runs of this model</source>
        <translation>显示该模型的运行</translation>
    </message>
    <message>
        <source>any method</source>
        <translation>任意方法</translation>
    </message>
    <message>
        <source>Show runs of this method</source>
        <translation>显示该方法的运行</translation>
    </message>
    <message>
        <source>any bits</source>
        <translation>任意位宽</translation>
    </message>
    <message>
        <source>Show runs of this bit setting</source>
        <translation>显示该位宽设置的运行</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>Show runs with this status</source>
        <translation>显示该状态的运行</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Delete %n run(s)...</source>
        <translation>
            <numerusform>删除 %n 个运行(&amp;D)...</numerusform></translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and all their results from the workspace?</source>
        <translation>
            <numerusform>从工作区删除 %n 个运行及其所有结果吗？</numerusform></translation>
    </message>
</context>
<context>
    <name>slmq::ui::ScatterChart</name>
    <message>
        <source>Pareto front</source>
        <translation>帕累托前沿</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>参考</translation>
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
        <translation>KL 散度</translation>
    </message>
    <message>
        <source>output MSE</source>
        <translation>输出 MSE</translation>
    </message>
    <message>
        <source>bits chosen</source>
        <translation>所选位数</translation>
    </message>
    <message>
        <source>%1 considered</source>
        <translation>%1（候选）</translation>
    </message>
    <message>
        <source>&amp;Run:</source>
        <translation>运行(&amp;R)：</translation>
    </message>
    <message>
        <source>Run whose sensitivity scan is shown</source>
        <translation>显示其敏感度扫描的运行</translation>
    </message>
    <message>
        <source>&amp;Beside:</source>
        <translation>并列(&amp;B)：</translation>
    </message>
    <message>
        <source>A second run drawn beside it on the same colour scale</source>
        <translation>在同一色标上并排绘制的第二个运行</translation>
    </message>
    <message>
        <source>&amp;Setting:</source>
        <translation>设置(&amp;S)：</translation>
    </message>
    <message>
        <source>Bit width of the scan</source>
        <translation>扫描的位宽</translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation>指标(&amp;M)：</translation>
    </message>
    <message>
        <source>What was measured per unit</source>
        <translation>每个单元测量的内容</translation>
    </message>
    <message>
        <source>Select a run with a sensitivity scan</source>
        <translation>请选择有敏感度扫描的运行</translation>
    </message>
    <message>
        <source>Click a cell to see that unit across settings</source>
        <translation>点击单元格查看该单元在各设置下的结果</translation>
    </message>
    <message>
        <source>No unit selected</source>
        <translation>未选择单元</translation>
    </message>
    <message>
        <source>No weight distribution recorded for this unit</source>
        <translation>该单元没有记录权重分布</translation>
    </message>
    <message>
        <source>weight value</source>
        <translation>权重值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>W%1</source>
        <translation>W%1</translation>
    </message>
    <message>
        <source>mode: all but this unit quantized</source>
        <translation>模式：除此单元外全部量化</translation>
    </message>
    <message>
        <source>mode: only this unit quantized</source>
        <translation>模式：仅量化此单元</translation>
    </message>
    <message>
        <source>Layer %1, %2: %3 at every setting</source>
        <translation>第 %1 层，%2：各设置下的 %3</translation>
    </message>
</context>
<context>
    <name>slmq::ui::StoreAdapter</name>
    <message>
        <source>Cannot open workspace %1: %2</source>
        <translation>无法打开工作区 %1：%2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Quantize small language models and see what it does.</source>
        <translation>量化小型语言模型并观察其效果。</translation>
    </message>
    <message>
        <source>Open the workspace store at &lt;path&gt; (created if missing).</source>
        <translation>打开 &lt;path&gt; 处的工作区存储（不存在时创建）。</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>User-interface language (de, zh_CN, en); default: the setting, else the system locale.</source>
        <translation>界面语言（de、zh_CN、en）；默认：已保存的设置，否则为系统区域设置。</translation>
    </message>
    <message>
        <source>Start the default study on smol-ref when the workspace holds no runs.</source>
        <translation>当工作区没有运行时，在 smol-ref 上启动默认研究。</translation>
    </message>
    <message>
        <source>Open every view once on an in-memory store and exit (0 = all worked).</source>
        <translation>在内存存储上打开每个视图一次后退出（0 = 全部正常）。</translation>
    </message>
</context>
<context>
    <name>slmq::ui::StoreAdapter</name>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
</context>
<context>
    <name>slmq::ui::ModelCatalog</name>
    <message>
        <source>%1 does not exist</source>
        <translation>%1 不存在</translation>
    </message>
    <message>
        <source>%1 holds pytorch_model.bin (a pickle, which is never loaded); convert the model to safetensors</source>
        <translation>%1 包含 pytorch_model.bin（pickle 格式，永远不会加载）；请将模型转换为 safetensors</translation>
    </message>
    <message>
        <source>%1 is not a model directory (needs config.json and *.safetensors, or a .gguf file)</source>
        <translation>%1 不是模型目录（需要 config.json 和 *.safetensors，或一个 .gguf 文件）</translation>
    </message>
    <message>
        <source>%1 is not a model file (expected a directory with safetensors, or .gguf)</source>
        <translation>%1 不是模型文件（应为包含 safetensors 的目录或 .gguf 文件）</translation>
    </message>
</context>
</TS>