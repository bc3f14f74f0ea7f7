using System.Text.Json;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>The JSON API's answers to bad and unknown input, against the real Lab (no nodes needed).</summary>
public sealed class LabApiTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("/api/changes?limit=0", 400, "limit must be")]
    [InlineData("/api/changes?limit=abc", 400, "limit must be")]
    [InlineData("/api/changes?limit=1001", 400, "limit must be")]
    [InlineData("/api/changes?limit=-5", 400, "limit must be")]
    [InlineData("/api/changes/has%20a%20space", 400, "A change id is")]
    [InlineData("/api/changes/%3Cscript%3E", 400, "A change id is")]
    [InlineData("/api/changes/6f1d3c0e-2b0a-4c53-9a55-0d9b1a2f1e10", 404, "holds no change")]
    [InlineData("/api/changes/5001@42", 404, "holds no change")]
    public async Task Api_BadInputGets400_UnknownGets404_AsProblemDetails(string path, int status, string detail)
    {
        await using var lab = await LabHost.StartAsync(output);

        using var response = await lab.Api.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthProbes_AreMapped(string path)
    {
        await using var lab = await LabHost.StartAsync(output);

        Assert.Equal("Healthy", await lab.Api.GetStringAsync(path));
    }

    [Fact]
    public async Task Api_WithNoNodes_AnswersEmpty()
    {
        await using var lab = await LabHost.StartAsync(output);

        var network = await lab.GetJsonAsync("/api/network");
        var changes = await lab.GetJsonAsync("/api/changes");

        Assert.Equal(0, network.GetProperty("nodes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, network.GetProperty("freshness").ValueKind);
        Assert.Equal(0, changes.GetProperty("changes").GetArrayLength());
    }
}
