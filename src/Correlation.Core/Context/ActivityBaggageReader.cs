using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Correlation.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// Looks up one baggage item along an Activity chain without allocating. The runtime's only lookup,
/// <see cref="Activity.GetBaggageItem"/>, enumerates the chain through an iterator (64 B per call); this walks the same
/// linked lists (the Activity's <c>_baggage</c> and its nodes) in the same order, innermost span first and, within a
/// span, newest item first, so it returns what <see cref="Activity.GetBaggageItem"/> returns. The walk is compiled once;
/// when the runtime's shape is not the one expected, or dynamic code is not supported, it falls back to
/// <see cref="Activity.GetBaggageItem"/>.
/// </summary>
internal static class ActivityBaggageReader
{
    private const string Component = "ActivityBaggageReader";

    private static readonly Func<Activity, string, string?>? s_find = TryCompile();

    /// <summary>Whether the allocation-free walk is in use (false: the runtime's iterator is used).</summary>
    public static bool IsAllocationFree => s_find is not null;

    /// <summary>Returns the value of <paramref name="key"/> seen from <paramref name="activity"/>, or <see langword="null"/>.</summary>
    public static string? Find(Activity activity, string key)
    {
        if (s_find is { } find)
        {
            try
            {
                return find(activity, key);
            }
            catch (Exception ex)
            {
                // A concurrent change can at worst make the walk miss an item; anything else is unexpected: report
                // it and answer the slow, safe way.
                CorrelationEventSource.Log.Swallowed(Component, ex);
            }
        }

        return activity.GetBaggageItem(key);
    }

    private static Func<Activity, string, string?>? TryCompile()
    {
        try
        {
            if (!RuntimeFeature.IsDynamicCodeSupported)
            {
                return null;
            }

            const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
            var baggage = typeof(Activity).GetField("_baggage", Fields);
            var first = baggage?.FieldType.GetField("_first", Fields);
            var next = first?.FieldType.GetField("Next", Fields);
            var value = first?.FieldType.GetField("Value", Fields);
            if (baggage is null || first is null || next is null || value is null
                || next.FieldType != first.FieldType || value.FieldType != typeof(KeyValuePair<string, string?>))
            {
                return null;
            }

            var pair = typeof(KeyValuePair<string, string?>);
            var getKey = pair.GetProperty(nameof(KeyValuePair<string, string?>.Key))!.GetMethod!;
            var getValue = pair.GetProperty(nameof(KeyValuePair<string, string?>.Value))!.GetMethod!;
            var getParent = typeof(Activity).GetProperty(nameof(Activity.Parent))!.GetMethod!;
            var equals = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!;

            var method = new DynamicMethod("FindActivityBaggage", typeof(string), [typeof(Activity), typeof(string)], typeof(Activity), skipVisibility: true);
            var il = method.GetILGenerator();
            var span = il.DeclareLocal(typeof(Activity));
            var node = il.DeclareLocal(first.FieldType);
            var nextSpan = il.DefineLabel();
            var spanLoop = il.DefineLabel();
            var nodeLoop = il.DefineLabel();
            var haveList = il.DefineLabel();
            var nextNode = il.DefineLabel();
            var notFound = il.DefineLabel();

            // for (span = activity; span != null; span = span.Parent)
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Stloc, span);
            il.MarkLabel(spanLoop);
            il.Emit(OpCodes.Ldloc, span);
            il.Emit(OpCodes.Brfalse, notFound);
            //   list = span._baggage; if (list == null) continue;
            il.Emit(OpCodes.Ldloc, span);
            il.Emit(OpCodes.Ldfld, baggage);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Brtrue_S, haveList);
            il.Emit(OpCodes.Pop);
            il.Emit(OpCodes.Br, nextSpan);
            il.MarkLabel(haveList);
            //   for (node = list._first; node != null; node = node.Next)
            il.Emit(OpCodes.Ldfld, first);
            il.Emit(OpCodes.Stloc, node);
            il.MarkLabel(nodeLoop);
            il.Emit(OpCodes.Ldloc, node);
            il.Emit(OpCodes.Brfalse, nextSpan);
            //     if (string.Equals(node.Value.Key, key)) return node.Value.Value;
            il.Emit(OpCodes.Ldloc, node);
            il.Emit(OpCodes.Ldflda, value);
            il.Emit(OpCodes.Call, getKey);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Call, equals);
            il.Emit(OpCodes.Brfalse, nextNode);
            il.Emit(OpCodes.Ldloc, node);
            il.Emit(OpCodes.Ldflda, value);
            il.Emit(OpCodes.Call, getValue);
            il.Emit(OpCodes.Ret);
            il.MarkLabel(nextNode);
            il.Emit(OpCodes.Ldloc, node);
            il.Emit(OpCodes.Ldfld, next);
            il.Emit(OpCodes.Stloc, node);
            il.Emit(OpCodes.Br, nodeLoop);
            il.MarkLabel(nextSpan);
            il.Emit(OpCodes.Ldloc, span);
            il.Emit(OpCodes.Callvirt, getParent);
            il.Emit(OpCodes.Stloc, span);
            il.Emit(OpCodes.Br, spanLoop);
            il.MarkLabel(notFound);
            il.Emit(OpCodes.Ldnull);
            il.Emit(OpCodes.Ret);

            var find = method.CreateDelegate<Func<Activity, string, string?>>();
            return SelfTest(find) ? find : null;
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component, ex);
            return null;
        }
    }

    // Proves the compiled walk agrees with the runtime (order included) before it is trusted. The activities are never
    // started, so no listener sees them.
    private static bool SelfTest(Func<Activity, string, string?> find)
    {
        var empty = new Activity("Correlation.BaggageSelfTest");
        var span = new Activity("Correlation.BaggageSelfTest").AddBaggage("a", "older").AddBaggage("b", "b").AddBaggage("a", "newer");
        string[] keys = ["a", "b", "c"];
        foreach (var key in keys)
        {
            if (!string.Equals(find(empty, key), empty.GetBaggageItem(key), StringComparison.Ordinal)
                || !string.Equals(find(span, key), span.GetBaggageItem(key), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
