namespace Correlation.Logging;

/// <summary>A state type and a template string, compared by reference.</summary>
internal readonly record struct TemplateKey(Type StateType, string Template);
