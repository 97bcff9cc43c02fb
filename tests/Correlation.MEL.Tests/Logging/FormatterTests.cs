using System.Runtime.CompilerServices;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Correlation.MEL.Tests.Logging;

/// <summary>
/// Callers' formatters: shared state per formatter must never mix state types, keep a formatter built per call alive,
/// or keep a disposed factory's formatter alive; a formatter built per call must stay cheap.
/// </summary>
public class FormatterTests
{
    private static readonly Func<object, Exception?, string> s_objectFormatter = static (s, _) => s.ToString() ?? string.Empty;

    private readonly ITestOutputHelper _output;

    public FormatterTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void One_contravariant_formatter_used_with_two_state_types_keeps_the_fields_of_both()
    {
        var records = new KeyRecorder();
        using var factory = Create(records);
        var logger = factory.CreateLogger("A");
        using var span = TestSpan.Start();

        logger.Log<object>(LogLevel.Information, new EventId(1), "as object", null, s_objectFormatter);

        // The same delegate instance as a Func<string, Exception?, string> (Func is contravariant in its state).
        logger.Log<string>(LogLevel.Information, new EventId(2), "as string", null, s_objectFormatter);

        Assert.Equal(2, records.Keys.Count);
        Assert.All(records.Keys, keys => Assert.Equal(["trace_id", "span_id"], keys));
        Assert.Equal(["as object", "as string"], records.Messages);
    }

    [Fact]
    public void A_formatter_built_per_call_is_not_kept_alive_by_the_factory()
    {
        var records = new KeyRecorder(keep: false);
        using var factory = Create(records);
        var logger = factory.CreateLogger("A");
        using var span = TestSpan.Start();

        var first = LogWithInstanceFormatter(logger);
        for (var i = 0; i < 10; i++)
        {
            LogWithInstanceFormatter(logger);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(first.IsAlive);
        Assert.Equal(11, records.Count);
        Assert.Equal(11, records.Correlated);
    }

    [Fact]
    public void A_disposed_factory_does_not_keep_a_formatters_target_alive()
    {
        var records = new KeyRecorder(keep: false);
        var weak = LogOnceAndDispose(records);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);

        // The record did go through the correlation (a factory that never called it would hold nothing either).
        Assert.Equal(1, records.Correlated);
    }

    [Fact]
    public void A_closure_formatter_per_call_costs_little_more_than_a_static_one()
    {
        var records = new KeyRecorder(keep: false);
        using var factory = Create(records);
        var logger = factory.CreateLogger("A");
        using var span = TestSpan.Start();

        long Measure(bool perCall)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                var n = i;
                if (perCall)
                {
                    logger.Log(LogLevel.Information, new EventId(3), "state", null, (s, _) => s + n);
                }
                else
                {
                    logger.Log(LogLevel.Information, new EventId(3), "state", null, s_objectFormatter);
                }
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        }

        Measure(false);
        Measure(true);
        var shared = Measure(false);
        var perCall = Measure(true);
        _output.WriteLine($"static formatter {shared} B/call; closure per call {perCall} B/call");

        // The closure itself (a display class and a delegate, ~88 B) plus the record's own resolved shape (~190 B): not
        // a shared shape's caches (it was ~1.5 KB per call when per-call formatters got shapes with template tables).
        Assert.InRange(perCall - shared, 0, 320);
        Assert.Equal(4000, records.Count);

        // Every measured record went through the correlation (a correlation doing nothing costs nothing either way).
        Assert.Equal(4000, records.Correlated);
    }

    private static ILoggerFactory Create(KeyRecorder records) => LoggerFactory.Create(builder =>
    {
        builder.AddProvider(records);
        builder.AddTraceCorrelation();
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LogWithInstanceFormatter(ILogger logger)
    {
        // What a method-group formatter compiled by C# 10 or earlier, or a capturing lambda, is: a new delegate per call.
        var holder = new Holder();
        logger.Log(LogLevel.Information, new EventId(4), "state", null, holder.Format);
        return new WeakReference(holder);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LogOnceAndDispose(KeyRecorder records)
    {
        var holder = new Holder();
        using (var factory = Create(records))
        using (TestSpan.Start())
        {
            factory.CreateLogger("A").Log(LogLevel.Information, new EventId(1), "state", null, holder.Format);
        }

        return new WeakReference(holder);
    }

    private sealed class Holder
    {
        private readonly byte[] _big = new byte[1 << 20];

        public string Format(string state, Exception? exception) => state + _big.Length;
    }

    /// <summary>A provider that reads every record's keys and message on the logging thread.</summary>
    private sealed class KeyRecorder(bool keep = true) : ILoggerProvider, ILogger
    {
        private int _count;
        private int _correlated;

        public List<string[]> Keys { get; } = [];

        public List<string> Messages { get; } = [];

        public int Count => _count;

        /// <summary>How many records carried our trace_id.</summary>
        public int Correlated => _correlated;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var keys = state is IReadOnlyList<KeyValuePair<string, object?>> list ? list.Select(p => p.Key).ToArray() : [];
            var message = formatter(state, exception);
            Interlocked.Increment(ref _count);
            if (Array.IndexOf(keys, "trace_id") >= 0)
            {
                Interlocked.Increment(ref _correlated);
            }

            if (keep)
            {
                Keys.Add(keys);
                Messages.Add(message);
            }
        }

        public void Dispose()
        {
        }
    }
}
