namespace Aspire.Hosting;

/// <summary>A problem of the application as declared or as it runs: a port in use, a resource that failed, ...</summary>
public class DistributedApplicationException : Exception
{
    public DistributedApplicationException()
    {
    }

    public DistributedApplicationException(string message) : base(message)
    {
    }

    public DistributedApplicationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
