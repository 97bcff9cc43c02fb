using System.Diagnostics;
using System.Text;
using Correlation.Propagation;
using FsCheck;
using FsCheck.Fluent;

namespace Correlation.Core.Tests.Propagation;

/// <summary>
/// Property-based tests (FsCheck): inject then extract round-trips any valid context and baggage; garbage never throws,
/// never hangs and never yields a context that was not in the input.
/// </summary>
public class PropagationPropertyTests
{
    private const string LowerHex = "0123456789abcdef";
    private const string KeyFirst = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string KeyRest = KeyFirst + "_-*/@";
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // Chars that matter to the parsers, plus a few that never should appear in a header.
    private const string Garbage = "0123456789abcdefABCDEF-,;= \t%+xyz@*/_\"\\\u0000\u001f\u007f\u00e9\u20ac\uD83D\uDE00\uFFFD\r\n";

    // A hang guard, not a timing assertion: a parser that loops forever fails the property instead of stalling the run.
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(20);

    private static Config Runs(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithEndSize(120);

    private static Gen<string> StringFrom(string alphabet, int minLength, int maxLength)
        => Gen.Choose(minLength, maxLength).SelectMany(length => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)).Select(chars => new string(chars));

    private static Gen<string> NonZeroHex(int length)
        => StringFrom(LowerHex, length, length).Where(hex => hex.AsSpan().ContainsAnyExcept('0'));

    private static Gen<string> TraceStateValue()
        => Gen.Choose(1, 24).SelectMany(length => Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(c => (char)c).Where(c => c is not ',' and not '='), length))
            .Select(chars => new string(chars))
            .Where(value => value[^1] != ' ' && value[0] != ' ');

    private static Gen<string> TraceState()
        => Gen.Choose(0, 32).SelectMany(count => Gen.ListOf(
                from first in StringFrom(KeyFirst, 1, 1)
                from rest in StringFrom(KeyRest, 0, 12)
                from value in TraceStateValue()
                select first + rest + "=" + value, count))
            .Select(members =>
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var kept = new List<string>();
                var length = 0;
                foreach (var member in members)
                {
                    // Distinct keys, within the 512 chars that injection keeps (SPEC 6).
                    if (keys.Add(member[..member.IndexOf('=', StringComparison.Ordinal)]) && length + member.Length + 1 <= 512)
                    {
                        kept.Add(member);
                        length += member.Length + 1;
                    }
                }

                return string.Join(",", kept);
            });

    private static Gen<string> BaggageValue()
    {
        // Any text without lone surrogates: ASCII (including the chars that must be encoded), Latin, CJK and emoji.
        var chars = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
            (2, Gen.Choose(0xA0, 0x24F).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0x4E00, 0x4FFF).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0x1F600, 0x1F64F).Select(char.ConvertFromUtf32)));
        return Gen.Choose(0, 20).SelectMany(length => Gen.ArrayOf(chars, length)).Select(parts => string.Concat(parts));
    }

    private static Gen<string?> BaggageProperties()
    {
        var property = Gen.OneOf(
            StringFrom(TokenChars, 1, 8),
            Gen.Zip(StringFrom(TokenChars, 1, 8), StringFrom("abcXYZ019%!*~", 0, 8)).Select(t => t.Item1 + "=" + t.Item2));
        return Gen.Frequency(
            (3, Gen.Constant<string?>(null)),
            (1, Gen.Choose(1, 3).SelectMany(count => Gen.ListOf(property, count)).Select(list => (string?)string.Join(";", list))));
    }

    private static Gen<PropagatedBaggage> Baggage()
        => Gen.Choose(0, 12).SelectMany(count => Gen.ListOf(
                from key in StringFrom(TokenChars, 1, 10)
                from value in BaggageValue()
                from properties in BaggageProperties()
                select new BaggageMember(key, value, properties), count))
            .Select(members => PropagatedBaggage.Create(members));

    private static Gen<PropagatedContext> ValidContext()
        => from traceId in NonZeroHex(32)
           from spanId in NonZeroHex(16)
           from flags in Gen.Choose(0, 3)
           from traceState in TraceState()
           from baggage in Baggage()
           select new PropagatedContext(
               new ActivityContext(
                   ActivityTraceId.CreateFromString(traceId),
                   ActivitySpanId.CreateFromString(spanId),
                   (ActivityTraceFlags)flags,
                   traceState.Length == 0 ? null : traceState,
                   isRemote: true),
               baggage);

    /// <summary>Garbage: random text from the parsers' alphabet, and valid headers with random chars changed.</summary>
    private static Gen<string> Hostile(string valid)
    {
        var random = Gen.Choose(0, 80).SelectMany(length => Gen.ArrayOf(Gen.Elements(Garbage.ToCharArray()), length)).Select(chars => new string(chars));
        var mutated = Gen.Choose(1, 4).SelectMany(edits => Gen.ListOf(
                from position in Gen.Choose(0, valid.Length - 1)
                from c in Gen.Elements(Garbage.ToCharArray())
                from kind in Gen.Choose(0, 2)
                select (position, c, kind), edits))
            .Select(edits =>
            {
                var text = new StringBuilder(valid);
                foreach (var (position, c, kind) in edits)
                {
                    var at = Math.Min(position, text.Length - 1);
                    if (at < 0)
                    {
                        text.Append(c);
                    }
                    else if (kind == 0)
                    {
                        text[at] = c;
                    }
                    else if (kind == 1)
                    {
                        text.Insert(at, c);
                    }
                    else
                    {
                        text.Remove(at, 1);
                    }
                }

                return text.ToString();
            });
        return Gen.OneOf(random, mutated, Gen.Constant(valid));
    }

    private static T Bounded<T>(Func<T> work)
    {
        // A thread of its own, so a busy thread pool never looks like a hang.
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(s_hangGuard))
        {
            throw new TimeoutException("the parser did not return");
        }

        return task.Result;
    }

    [Fact]
    public void Inject_then_extract_round_trips_any_valid_context_and_baggage()
    {
        var property = Prop.ForAll(ValidContext().ToArbitrary(), context =>
        {
            var headers = Headers.Inject(context);
            var extracted = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter);

            return extracted.ActivityContext == context.ActivityContext && extracted.Baggage.Equals(context.Baggage);
        });

        Check.One(Runs(300), property);
    }

    [Fact]
    public void Round_trips_also_through_byte_headers()
    {
        var property = Prop.ForAll(ValidContext().ToArbitrary(), context =>
        {
            var headers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            CorrelationPropagator.Default.Inject(context, headers, PropagationCarriers.ByteHeadersSetter);

            return CorrelationPropagator.Default.Extract(headers, PropagationCarriers.ByteHeadersGetter) == context;
        });

        Check.One(Runs(100), property);
    }

    [Fact]
    public void A_garbage_traceparent_never_throws_and_never_invents_a_context()
    {
        var property = Prop.ForAll(Hostile(Headers.Valid).ToArbitrary(), Hostile("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE").ToArbitrary(), (traceParent, traceState) =>
        {
            var context = Bounded(() => Headers.Extract(traceParent, traceState).ActivityContext);
            if (context.TraceId == default)
            {
                return context == default;
            }

            // Whatever comes out was in the input: the ids as they were written, each tracestate member as it was sent.
            var ids = "-" + context.TraceId.ToHexString() + "-" + context.SpanId.ToHexString() + "-";
            var membersFromInput = context.TraceState is null || context.TraceState.Split(',').All(m => traceState.Contains(m, StringComparison.Ordinal));
            return traceParent.Contains(ids, StringComparison.Ordinal) && membersFromInput && (int)context.TraceFlags <= 3;
        });

        Check.One(Runs(1000), property);
    }

    [Fact]
    public void The_tracestate_fast_path_accepts_only_what_the_full_validation_keeps_unchanged()
    {
        var inputs = Gen.OneOf(TraceState().Where(t => t.Length > 0), Hostile("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,a@b=1"), Hostile("a=1,b=2,a=3"));
        var property = Prop.ForAll(inputs.ToArbitrary(), traceState =>
            !TraceContextFormat.IsCanonical(traceState) || TraceContextFormat.NormalizeFully(traceState) == traceState);

        Check.One(Runs(2000), property);
        Assert.False(TraceContextFormat.IsCanonical("a=1,a=2"));
        Assert.Equal("a=1", TraceContextFormat.NormalizeTraceState("a=1,a=2"));
    }

    [Fact]
    public void A_garbage_baggage_header_never_throws_and_never_invents_members()
    {
        var property = Prop.ForAll(Hostile("user=alice;ttl=60,city=M%C3%BCnchen, k2 = v2 ;p").ToArbitrary(), header =>
        {
            var baggage = Bounded(() => Headers.BaggageOf(header));
            foreach (var member in baggage)
            {
                if (!header.Contains(member.Key, StringComparison.Ordinal) || (member.Properties is not null && !Contained(member.Properties, header)))
                {
                    return false;
                }
            }

            // What was accepted survives a second trip unchanged.
            return Headers.BaggageOf(baggage.ToString()).Equals(baggage);
        });

        Check.One(Runs(1000), property);
    }

    [Fact]
    public void Garbage_through_the_DistributedContextPropagator_never_throws()
    {
        var propagator = CorrelationPropagator.Default.ToDistributedContextPropagator();
        var property = Prop.ForAll(Hostile(Headers.Valid).ToArbitrary(), Hostile("a=1;p,b=%E2%82%AC").ToArbitrary(), (traceParent, baggage) =>
        {
            var headers = Headers.Dictionary(traceParent, "a=1", baggage);
            DistributedContextPropagator.PropagatorGetterCallback getter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                value = ((IDictionary<string, string>)carrier!).TryGetValue(name, out var found) ? found : null;
            };

            var (traceId, items) = Bounded(() =>
            {
                propagator.ExtractTraceIdAndState(headers, getter, out var id, out _);
                return (id, propagator.ExtractBaggage(headers, getter)?.ToList());
            });

            return (traceId is null || ActivityContext.TryParse(traceId, null, out _)) && (items is null || items.Count > 0);
        });

        Check.One(Runs(300), property);
    }

    [Fact]
    public void Huge_headers_are_bounded_and_never_throw()
    {
        var huge = string.Concat(Enumerable.Repeat("k=v,", 100_000));

        var context = Bounded(() => Headers.Extract(Headers.Valid, huge, huge));

        Assert.True(context.HasValidActivityContext);
        Assert.Null(context.ActivityContext.TraceState);
        Assert.Single(context.Baggage);
    }

    private static bool Contained(string properties, string header)
    {
        foreach (var property in properties.Split(';'))
        {
            var eq = property.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? property : property[..eq];
            if (!header.Contains(key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
