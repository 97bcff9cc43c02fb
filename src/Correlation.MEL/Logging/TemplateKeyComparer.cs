using System.Runtime.CompilerServices;

namespace Correlation.Logging;

/// <summary>Compares <see cref="TemplateKey"/> by reference (no string hashing on the hot path).</summary>
internal sealed class TemplateKeyComparer : IEqualityComparer<TemplateKey>
{
    public static readonly TemplateKeyComparer Instance = new();

    public bool Equals(TemplateKey x, TemplateKey y) => ReferenceEquals(x.StateType, y.StateType) && ReferenceEquals(x.Template, y.Template);

    public int GetHashCode(TemplateKey obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.StateType), RuntimeHelpers.GetHashCode(obj.Template));
}
