using System.Globalization;
using System.Text.RegularExpressions;
using Correlation.Trace;

namespace Correlation.NLog.Tests;

/// <summary>The JsonLayout examples of src/Correlation.NLog/README.md, loaded verbatim, give the README's output.</summary>
[Collection(nameof(LayoutRenderers.TraceResourceLayoutRendererTests))]
public class ReadmeExampleTests
{
    [Fact]
    public void Each_JsonLayout_of_the_readme_writes_the_line_the_readme_shows()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Correlation.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var readme = File.ReadAllText(Path.Combine(directory.FullName, "src", "Correlation.NLog", "README.md"));
        var layouts = Regex.Matches(readme, "<layout xsi:type=\"JsonLayout\">.*?</layout>", RegexOptions.Singleline).Select(m => m.Value).ToArray();
        var output = Regex.Match(readme, "Real output[^\n]*\n```json\n(.*?)```", RegexOptions.Singleline).Groups[1].Value
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, layouts.Length);
        Assert.Equal(layouts.Length, output.Length);

        // The README's span: trace 4bf92f3577b34da6a3ce929d0e0e4736, span b7ce3784f0177981; service checkout 1.4.2 in prod.
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.4.2", "prod").Build();
        ActiveResource.AddProvider(resource);
        try
        {
            for (var i = 0; i < layouts.Length; i++)
            {
                using var nlog = NLogHarness.FromXml($"""
                    <nlog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
                      <extensions><add assembly="Correlation.NLog" /></extensions>
                      <targets><target name="m" xsi:type="Memory">{layouts[i]}</target></targets>
                      <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
                    </nlog>
                    """);
                using var span = NLogHarness.StartSpan();
                var spanId = span.SpanId.ToHexString();
                var spanDecimal = ulong.Parse(spanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                var expected = output[i].Replace("b7ce3784f0177981", spanId, StringComparison.Ordinal)
                    .Replace("13244584598246488449", spanDecimal, StringComparison.Ordinal);
                Assert.Equal(expected, nlog.LogOne("Order 42 placed"));
            }
        }
        finally
        {
            ActiveResource.RemoveProvider(resource);
        }
    }
}
