namespace Correlation.Demo.Scenario;

/// <summary>The payment gateway did not answer in time (the demo's transient failure).</summary>
internal sealed class PaymentGatewayUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PaymentGatewayUnavailableException()
        : base("payment gateway timed out")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public PaymentGatewayUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PaymentGatewayUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
