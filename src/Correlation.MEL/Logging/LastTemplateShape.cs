namespace Correlation.Logging;

/// <summary>
/// Each thread's last answer of <see cref="LogStateShape{TState}"/>'s template cache: a thread usually writes the same
/// template many times in a row. Non-generic because thread-static access in a generic type takes a slower lookup.
/// </summary>
internal static class LastTemplateShape
{
    [ThreadStatic]
    private static Entry? t_entry;

    /// <summary>The resolved shape last stored for this owner, state type and template (by reference), or <see langword="null"/>.</summary>
    public static object? Get(object owner, Type stateType, string template)
        => t_entry is { } entry && ReferenceEquals(entry.Template, template) && ReferenceEquals(entry.StateType, stateType) && ReferenceEquals(entry.Owner, owner)
            ? entry.Resolved
            : null;

    public static void Set(object owner, Type stateType, string template, object resolved)
    {
        var entry = t_entry ??= new Entry();
        entry.Owner = owner;
        entry.StateType = stateType;
        entry.Template = template;
        entry.Resolved = resolved;
    }

    private sealed class Entry
    {
        public object? Owner;
        public Type? StateType;
        public string? Template;
        public object? Resolved;
    }
}
