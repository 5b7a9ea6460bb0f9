/// Where a gate reads one scalar: exactly one of `prometheus` and `webhook`.
public struct MetricSource: Codable, Sendable, Hashable {
    /// An instant PromQL query yielding a scalar or a one-sample vector.
    public var prometheus: PrometheusSource?
    /// A JSON document fetched with GET, the scalar selected by JSONPath.
    public var webhook: WebhookSource?

    public init(prometheus: PrometheusSource? = nil, webhook: WebhookSource? = nil) {
        self.prometheus = prometheus
        self.webhook = webhook
    }
}

/// An instant Prometheus query.
public struct PrometheusSource: Codable, Sendable, Hashable {
    /// Base URL of Prometheus, e.g. `http://prometheus.monitoring:9090`.
    public var address: String
    /// Instant query that evaluates to one scalar.
    public var query: String
    /// Secret in the StageSet's namespace with a bearer token under key `token`.
    public var secretRef: LocalObjectReference?

    public init(address: String, query: String, secretRef: LocalObjectReference? = nil) {
        self.address = address
        self.query = query
        self.secretRef = secretRef
    }
}

/// A JSON endpoint read with GET.
public struct WebhookSource: Codable, Sendable, Hashable {
    /// URL to GET.
    public var url: String
    /// kubectl-style JSONPath selecting exactly one numeric (or numeric-string) value.
    public var jsonPath: String
    /// Secret in the StageSet's namespace with a bearer token under key `token`.
    public var secretRef: LocalObjectReference?

    public init(url: String, jsonPath: String, secretRef: LocalObjectReference? = nil) {
        self.url = url
        self.jsonPath = jsonPath
        self.secretRef = secretRef
    }
}

/// Inclusive bounds for a scalar, as decimal strings; omit a side for no bound.
public struct Threshold: Codable, Sendable, Hashable {
    /// The scalar must be ≥ this value.
    public var min: String?
    /// The scalar must be ≤ this value.
    public var max: String?

    public init(min: String? = nil, max: String? = nil) {
        self.min = min
        self.max = max
    }
}
