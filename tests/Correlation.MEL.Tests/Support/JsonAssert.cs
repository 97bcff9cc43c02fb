using System.Text.Json;

namespace Correlation.MEL.Tests.Support;

internal static class JsonAssert
{
    /// <summary>Fails when any object in the document has the same property name twice.</summary>
    public static void NoDuplicateKeys(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                Assert.True(seen.Add(property.Name), $"Duplicate key '{property.Name}' in {element}");
                NoDuplicateKeys(property.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                NoDuplicateKeys(item);
            }
        }
    }

    /// <summary>The element as compact JSON, with the named keys removed from its <c>State</c> object.</summary>
    public static string WithoutStateKeys(JsonElement root, params string[] keys)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(root.GetRawText())!.AsObject();
        if (node["State"] is System.Text.Json.Nodes.JsonObject state)
        {
            foreach (var key in keys)
            {
                state.Remove(key);
            }
        }

        return node.ToJsonString();
    }

    public static string? StateValue(JsonDocument line, string name)
        => line.RootElement.TryGetProperty("State", out var state) && state.TryGetProperty(name, out var value) ? value.GetString() : null;
}
