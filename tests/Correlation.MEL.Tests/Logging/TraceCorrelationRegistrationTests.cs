using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Correlation.MEL.Tests.Logging;

/// <summary>How the decorating factory finds the factory it wraps, in a real service provider.</summary>
public class TraceCorrelationRegistrationTests
{
    [Fact]
    public void A_library_that_decorates_the_registered_factory_wraps_ours_and_records_get_the_fields()
    {
        var sink = new CollectingSerilogSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddSerilog(serilog, dispose: true).AddTraceCorrelation());

        // What decorating libraries do (Scrutor's Decorate): replace the last ILoggerFactory registration, in place, by
        // one that builds the original and wraps it. The original is ours; building it used to resolve that same
        // replacement as the factory to wrap, recursing until the stack overflowed.
        var index = -1;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(ILoggerFactory))
            {
                index = i;
            }
        }

        var original = services[index];
        services[index] = ServiceDescriptor.Singleton<ILoggerFactory>(sp => new WrappingFactory((ILoggerFactory)original.ImplementationFactory!(sp)));

        WrappingFactory wrapper;
        using (var provider = services.BuildServiceProvider())
        using (var span = TestSpan.Start())
        {
            wrapper = Assert.IsType<WrappingFactory>(provider.GetRequiredService<ILoggerFactory>());
            provider.GetRequiredService<ILogger<TraceCorrelationRegistrationTests>>().LogInformation("Wrapped {Name}", "world");
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            Assert.Equal("world", CollectingSerilogSink.Scalar(logEvent, "Name"));
        }

        Assert.Equal(1, wrapper.Disposed);
    }

    [Fact]
    public void A_decorator_that_catches_the_failure_to_build_what_it_wraps_still_wraps_ours_over_the_applications_factory()
    {
        // A decorator that guards building the factory it wraps, falling back to a bare one. Our nested build's signal
        // (an exception) was caught there, so the decorator's fallback was taken as the factory under ours: every record
        // went to a LoggerFactory without providers.
        var sink = new CollectingSerilogSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddSerilog(serilog, dispose: true).AddTraceCorrelation());

        var index = -1;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(ILoggerFactory))
            {
                index = i;
            }
        }

        var original = services[index];
        var fallbacks = new List<LoggerFactory>();
        services[index] = ServiceDescriptor.Singleton<ILoggerFactory>(sp =>
        {
            ILoggerFactory inner;
            try
            {
                inner = (ILoggerFactory)original.ImplementationFactory!(sp);
            }
            catch (Exception)
            {
                var fallback = new LoggerFactory();
                fallbacks.Add(fallback);
                inner = fallback;
            }

            return new WrappingFactory(inner);
        });

        using var provider = services.BuildServiceProvider();
        using var span = TestSpan.Start();
        Assert.IsType<WrappingFactory>(provider.GetRequiredService<ILoggerFactory>());
        provider.GetRequiredService<ILogger<TraceCorrelationRegistrationTests>>().LogInformation("Wrapped {Name}", "world");
        var logEvent = Assert.Single(sink.Events);
        Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        Assert.Equal("world", CollectingSerilogSink.Scalar(logEvent, "Name"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_factory_that_replaces_mels_is_decorated_only_when_registered_before_us(bool factoryFirst)
    {
        // What Serilog.Extensions.Hosting's UseSerilog() and AddSerilog() register: a factory of their own, last wins.
        var sink = new CollectingSerilogSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        var services = new ServiceCollection();
        services.AddLogging();
        void AddSerilogFactory() => services.AddSingleton<ILoggerFactory>(_ => new global::Serilog.Extensions.Logging.SerilogLoggerFactory(serilog, dispose: true));
        if (factoryFirst)
        {
            AddSerilogFactory();
        }

        services.AddLogging(builder => builder.AddTraceCorrelation());
        if (!factoryFirst)
        {
            AddSerilogFactory();
        }

        using var provider = services.BuildServiceProvider();
        using var span = TestSpan.Start();
        provider.GetRequiredService<ILogger<TraceCorrelationRegistrationTests>>().LogInformation("Replaced {Name}", "world");
        var logEvent = Assert.Single(sink.Events);
        Assert.Equal("world", CollectingSerilogSink.Scalar(logEvent, "Name"));
        Assert.Equal(factoryFirst ? span.TraceId() : null, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
    }

    private sealed class WrappingFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public int Disposed { get; private set; }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            Disposed++;
            inner.Dispose();
        }
    }
}
