using System.Diagnostics;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>
/// Spans and propagation for message queues (Kafka, RabbitMQ, NATS, in-process channels), with the OpenTelemetry
/// messaging semantic conventions: publish starts a <see cref="ActivityKind.Producer"/> span and injects it into the
/// message headers; consume extracts and starts a <see cref="ActivityKind.Consumer"/> span whose parent is the
/// producer's span; a batch gets one consumer span linked to every message's context. The returned span is current
/// until disposed, so logs written while handling the message carry its ids. Never throws.
/// </summary>
public static class MessagePropagation
{
    /// <summary><c>messaging.system</c>.</summary>
    public const string SystemAttribute = "messaging.system";

    /// <summary><c>messaging.destination.name</c>.</summary>
    public const string DestinationAttribute = "messaging.destination.name";

    /// <summary><c>messaging.operation.type</c>.</summary>
    public const string OperationTypeAttribute = "messaging.operation.type";

    /// <summary><c>messaging.operation.name</c>.</summary>
    public const string OperationNameAttribute = "messaging.operation.name";

    /// <summary><c>messaging.batch.message_count</c>.</summary>
    public const string BatchMessageCountAttribute = "messaging.batch.message_count";

    private const string Component = "Correlation.Propagation.MessagePropagation";

    /// <summary>Starts a producer span (<c>send {destination}</c>) and injects it into byte-valued headers.</summary>
    /// <param name="source">The application's activity source.</param>
    /// <param name="system">The <c>messaging.system</c> value (<c>kafka</c>, <c>rabbitmq</c>, <c>nats</c>, ...).</param>
    /// <param name="destination">The queue or topic.</param>
    /// <param name="headers">The message headers.</param>
    /// <returns>The started span (dispose it after sending), or <see langword="null"/> when nobody listens; the current
    /// context is injected either way.</returns>
    public static Activity? StartPublish(ActivitySource source, string system, string destination, IDictionary<string, byte[]> headers)
        => StartPublish(source, system, destination, headers, PropagationCarriers.ByteHeadersSetter);

    /// <summary>Starts a producer span (<c>send {destination}</c>) and injects it into the carrier.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="source">The application's activity source.</param>
    /// <param name="system">The <c>messaging.system</c> value.</param>
    /// <param name="destination">The queue or topic.</param>
    /// <param name="carrier">The message or its headers.</param>
    /// <param name="setter">Writes one field.</param>
    /// <returns>The started span, or <see langword="null"/> when nobody listens (the current context is injected then).</returns>
    public static Activity? StartPublish<TCarrier>(ActivitySource source, string system, string destination, TCarrier carrier, CarrierSetter<TCarrier> setter)
    {
        Activity? activity = null;
        var previous = Activity.Current;
        try
        {
            activity = source?.StartActivity(ActivityKind.Producer, default, Tags(system, destination, "send", -1), name: "send " + destination);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".StartPublish", ex);
            Abandon(source, activity, previous);
            activity = null;
        }

        CorrelationPropagator.Default.Inject(activity ?? Activity.Current, carrier, setter);
        return activity;
    }

    /// <summary>Extracts the producer's context from byte-valued headers and starts a consumer span (<c>process {destination}</c>) under it.</summary>
    /// <param name="source">The application's activity source.</param>
    /// <param name="system">The <c>messaging.system</c> value.</param>
    /// <param name="destination">The queue or topic.</param>
    /// <param name="headers">The message headers.</param>
    /// <returns>The started span, current until disposed, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartConsume(ActivitySource source, string system, string destination, IDictionary<string, byte[]> headers)
        => StartConsume(source, system, destination, headers, PropagationCarriers.ByteHeadersGetter);

    /// <summary>
    /// Extracts the producer's context and starts a consumer span (<c>process {destination}</c>) whose parent is the
    /// producer's span (a remote parent). The message's baggage is added to the span, so <see cref="Context.TraceBaggage"/>
    /// and the log adapters see it while the span is current. Without a valid context in the message, the span's parent
    /// is the ambient one. When nobody listens, no span is started and the message's context and baggage are applied
    /// nowhere (docs/propagation.md shows how to keep the baggage then).
    /// </summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="source">The application's activity source.</param>
    /// <param name="system">The <c>messaging.system</c> value.</param>
    /// <param name="destination">The queue or topic.</param>
    /// <param name="carrier">The message or its headers.</param>
    /// <param name="getter">Reads one field.</param>
    /// <returns>The started span, current until disposed, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartConsume<TCarrier>(ActivitySource source, string system, string destination, TCarrier carrier, CarrierGetter<TCarrier> getter)
    {
        if (source is null)
        {
            return null;
        }

        Activity? activity = null;
        var previous = Activity.Current;
        try
        {
            var context = CorrelationPropagator.Default.Extract(carrier, getter);
            activity = source.StartActivity(ActivityKind.Consumer, context.ActivityContext, Tags(system, destination, "process", -1), name: "process " + destination);
            context.Baggage.AddTo(activity);
            return activity;
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".StartConsume", ex);
            Abandon(source, activity, previous);
            return null;
        }
    }

    /// <summary>
    /// Starts one consumer span (<c>process {destination}</c>) for a batch of messages, with a link to each message's
    /// extracted context (messages from several traces); messages without a valid context get no link. The span's parent
    /// is the ambient one. Baggage is not applied: the messages of a batch may disagree.
    /// </summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="source">The application's activity source.</param>
    /// <param name="system">The <c>messaging.system</c> value.</param>
    /// <param name="destination">The queue or topic.</param>
    /// <param name="messages">The messages or their headers.</param>
    /// <param name="getter">Reads one field of one message.</param>
    /// <returns>The started span, current until disposed, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartConsumeBatch<TCarrier>(ActivitySource source, string system, string destination, IReadOnlyList<TCarrier> messages, CarrierGetter<TCarrier> getter)
    {
        if (source is null || messages is null)
        {
            return null;
        }

        var previous = Activity.Current;
        try
        {
            var links = new List<ActivityLink>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                var context = CorrelationPropagator.TraceContext.Extract(messages[i], getter);
                if (context.HasValidActivityContext)
                {
                    links.Add(new ActivityLink(context.ActivityContext));
                }
            }

            return source.StartActivity(ActivityKind.Consumer, default, Tags(system, destination, "process", messages.Count), links, name: "process " + destination);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".StartConsumeBatch", ex);
            Abandon(source, null, previous);
            return null;
        }
    }

    /// <summary>
    /// After a failure, stops the span that was started but will not be returned (nobody else could stop it) and puts
    /// back the span that was current before. A listener that throws from <c>ActivityStarted</c> leaves the new span
    /// current without handing it back, so it is found as the current span of this source.
    /// </summary>
    private static void Abandon(ActivitySource? source, Activity? started, Activity? previous)
    {
        try
        {
            var current = Activity.Current;
            if (started is null && current is not null && !ReferenceEquals(current, previous) && ReferenceEquals(current.Source, source))
            {
                started = current;
            }

            started?.Dispose();
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".Abandon", ex);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string system, string destination, string operation, int batchCount)
    {
        var tags = new KeyValuePair<string, object?>[batchCount >= 0 ? 5 : 4];
        tags[0] = new(SystemAttribute, system);
        tags[1] = new(DestinationAttribute, destination);
        tags[2] = new(OperationTypeAttribute, operation);
        tags[3] = new(OperationNameAttribute, operation);
        if (batchCount >= 0)
        {
            tags[4] = new(BatchMessageCountAttribute, batchCount);
        }

        return tags;
    }
}
