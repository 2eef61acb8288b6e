namespace OrleansKv.Server.Rest;

/// <summary>Endpoint metadata: the stable label a route is measured under (metrics) and audited by (tests).</summary>
/// <param name="Name">The label, e.g. <c>kv_get</c>.</param>
public sealed record RouteLabel(string Name);
