using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Logging;

namespace Correlation.MEL.Tests.Support;

/// <summary>
/// A <c>[LoggerMessage]</c> method with a classified parameter, as Microsoft.Extensions.Telemetry's generator (the one
/// this project builds with) writes it: the parameter is a classified tag of its <c>LoggerMessageState</c>, which only
/// <c>EnableEnrichment()</c>'s logger reads (and redacts).
/// </summary>
internal static partial class ClassifiedLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "User {UserId} signed in from {Address}")]
    public static partial void SignedIn(ILogger logger, string userId, [PersonalData] string address);
}

/// <summary>A data classification for <see cref="ClassifiedLog"/>.</summary>
internal sealed class PersonalDataAttribute : DataClassificationAttribute
{
    public PersonalDataAttribute()
        : base(new DataClassification("Test", "Personal"))
    {
    }
}
