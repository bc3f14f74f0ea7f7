using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace GossipAspire.Lab.Api;

/// <summary>The API's JSON, generated at build time (camelCase, as ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NetworkModel))]
[JsonSerializable(typeof(ChangeListModel))]
[JsonSerializable(typeof(ChangeDetailModel))]
[JsonSerializable(typeof(ProblemDetails))]
public sealed partial class LabJsonContext : JsonSerializerContext;
