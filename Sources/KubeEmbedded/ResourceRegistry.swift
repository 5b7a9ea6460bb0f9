import KubeModel

/// How `metadata.generation` behaves for a resource (spec §5).
enum GenerationRule: Sendable {
    /// Never set (ConfigMap, Secret, Service, RBAC, …).
    case none
    /// Set to 1; bumped by changes outside `metadata` and `status` (Job, CronJob, CRD, ReplicaSet, …).
    case spec
    /// As ``spec``, plus annotation changes (Deployment).
    case specAndAnnotations
    /// Custom resources: changes outside `metadata` (and outside `status` when the status subresource is on).
    case custom
}

/// One served resource: its names, scope, versions and behaviour.
struct ResourceInfo: Sendable {
    var group: String
    /// Served versions, preferred first.
    var versions: [String]
    /// The version objects are stored in.
    var storageVersion: String
    /// Plural resource name.
    var name: String
    var singular: String
    var kind: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var hasStatus: Bool = false
    /// Extra subresources beyond `status` (e.g. `token`).
    var extraSubresources: [String] = []
    var verbs: [String] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    var generation: GenerationRule = .none
    /// Custom resources (from a CRD): SMP unsupported, resourceVersion required on update.
    var isCustom: Bool = false
    /// Names must be RFC 1123 labels rather than subdomains.
    var labelNames: Bool = false
    /// Virtual resources (reviews) are not stored.
    var isVirtual: Bool = false
    /// CRD schema per version (`openAPIV3Schema`).
    var schemas: [String: JSONValue] = [:]
    /// CRD printer columns per version.
    var printerColumns: [String: [JSONValue]] = [:]
    /// Deprecation warnings per version.
    var deprecationWarnings: [String: String] = [:]

    var id: String { "\(group)/\(name)" }
    /// `{r}` for the core group, `{r}.{g}` otherwise.
    var qualified: String { group.isEmpty ? name : "\(name).\(group)" }
    var listKind: String { "\(kind)List" }

    func apiVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// The resources the server serves: built-ins plus established CRDs.
struct ResourceRegistry: Sendable {
    private(set) var resources: [String: ResourceInfo] = [:]

    init() {
        for resource in Self.builtIns { resources[resource.id] = resource }
    }

    mutating func register(_ resource: ResourceInfo) { resources[resource.id] = resource }
    mutating func unregister(id: String) { resources[id] = nil }

    /// The resource serving `group/version` under `name`.
    func lookup(group: String, version: String, resource name: String) -> ResourceInfo? {
        guard let info = resources["\(group)/\(name)"], info.versions.contains(version) else { return nil }
        return info
    }

    /// The resource for `apiVersion` + `kind`.
    func lookup(group: String, kind: String) -> ResourceInfo? {
        resources.values.first { $0.group == group && $0.kind == kind }
    }

    /// Served group/versions with their resources: `(group, [version])`, groups sorted with the core group first.
    var groups: [(name: String, versions: [String])] {
        var byGroup: [String: [String]] = [:]
        for resource in resources.values {
            var versions = byGroup[resource.group] ?? []
            for version in resource.versions where !versions.contains(version) { versions.append(version) }
            byGroup[resource.group] = versions
        }
        let order = Self.groupOrder
        return byGroup.map { (name: $0.key, versions: Self.sortVersions($0.value)) }.sorted { lhs, rhs in
            let li = order.firstIndex(of: lhs.name) ?? order.count
            let ri = order.firstIndex(of: rhs.name) ?? order.count
            return li != ri ? li < ri : lhs.name < rhs.name
        }
    }

    func resources(group: String, version: String) -> [ResourceInfo] {
        resources.values.filter { $0.group == group && $0.versions.contains(version) }.sorted { $0.name < $1.name }
    }

    /// Kubernetes version priority: GA > beta > alpha, higher numbers first.
    static func sortVersions(_ versions: [String]) -> [String] {
        func rank(_ version: String) -> (Int, Int, Int, String) {
            let text = Array(version.utf8)
            guard text.first == UInt8(ascii: "v") else { return (3, 0, 0, version) }
            var index = 1
            var major = 0
            while index < text.count, text[index] >= 48, text[index] <= 57 {
                major = major * 10 + Int(text[index] - 48)
                index += 1
            }
            if index == text.count { return (0, -major, 0, version) }
            let rest = String(decoding: text[index...], as: UTF8.self)
            for (prefix, level) in [("beta", 1), ("alpha", 2)] where rest.hasPrefix(prefix) {
                let minor = Int(rest.dropFirst(prefix.count)) ?? 0
                return (level, -major, -minor, version)
            }
            return (3, 0, 0, version)
        }
        return versions.sorted { rank($0) < rank($1) }
    }

    static let groupOrder = [
        "", "apps", "events.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "networking.k8s.io", "policy",
        "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
        "scheduling.k8s.io", "coordination.k8s.io",
    ]

    static let builtIns: [ResourceInfo] = {
        func core(_ name: String, _ singular: String, _ kind: String, namespaced: Bool = true, short: [String] = [],
                  status: Bool = false, categories: [String] = []) -> ResourceInfo {
            ResourceInfo(
                group: "", versions: ["v1"], storageVersion: "v1", name: name, singular: singular, kind: kind,
                namespaced: namespaced, shortNames: short, categories: categories, hasStatus: status)
        }
        var namespaces = core("namespaces", "namespace", "Namespace", namespaced: false, short: ["ns"], status: true)
        namespaces.labelNames = true
        namespaces.verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
        var services = core("services", "service", "Service", short: ["svc"], status: true, categories: ["all"])
        services.labelNames = true
        var serviceAccounts = core("serviceaccounts", "serviceaccount", "ServiceAccount", short: ["sa"])
        serviceAccounts.extraSubresources = ["token"]
        var pods = core("pods", "pod", "Pod", short: ["po"], status: true, categories: ["all"])
        pods.generation = .spec
        func apps(_ name: String, _ singular: String, _ kind: String, short: [String], rule: GenerationRule = .spec)
            -> ResourceInfo {
            ResourceInfo(
                group: "apps", versions: ["v1"], storageVersion: "v1", name: name, singular: singular, kind: kind,
                namespaced: true, shortNames: short, categories: ["all"], hasStatus: true, generation: rule)
        }
        func rbac(_ name: String, _ singular: String, _ kind: String, namespaced: Bool) -> ResourceInfo {
            ResourceInfo(
                group: "rbac.authorization.k8s.io", versions: ["v1"], storageVersion: "v1", name: name,
                singular: singular, kind: kind, namespaced: namespaced)
        }
        var jobs = ResourceInfo(
            group: "batch", versions: ["v1"], storageVersion: "v1", name: "jobs", singular: "job", kind: "Job",
            namespaced: true, categories: ["all"], hasStatus: true, generation: .spec)
        var cronJobs = jobs
        cronJobs.name = "cronjobs"
        cronJobs.singular = "cronjob"
        cronJobs.kind = "CronJob"
        cronJobs.shortNames = ["cj"]
        jobs.shortNames = []
        let leases = ResourceInfo(
            group: "coordination.k8s.io", versions: ["v1"], storageVersion: "v1", name: "leases", singular: "lease",
            kind: "Lease", namespaced: true)
        let events = ResourceInfo(
            group: "events.k8s.io", versions: ["v1"], storageVersion: "v1", name: "events", singular: "event",
            kind: "Event", namespaced: true, shortNames: ["ev"])
        let crds = ResourceInfo(
            group: "apiextensions.k8s.io", versions: ["v1"], storageVersion: "v1", name: "customresourcedefinitions",
            singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false,
            shortNames: ["crd", "crds"], hasStatus: true, generation: .spec)
        var reviews = ResourceInfo(
            group: "authorization.k8s.io", versions: ["v1"], storageVersion: "v1", name: "selfsubjectaccessreviews",
            singular: "selfsubjectaccessreview", kind: "SelfSubjectAccessReview", namespaced: false)
        reviews.verbs = ["create"]
        reviews.isVirtual = true
        func grouped(_ group: String, _ version: String, _ name: String, _ singular: String, _ kind: String,
                     namespaced: Bool = true, short: [String] = [], status: Bool = false, rule: GenerationRule = .none)
            -> ResourceInfo {
            ResourceInfo(
                group: group, versions: [version], storageVersion: version, name: name, singular: singular, kind: kind,
                namespaced: namespaced, shortNames: short, hasStatus: status, generation: rule)
        }
        var hpa = grouped("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
                          short: ["hpa"], status: true)
        hpa.categories = ["all"]
        let extras = [
            hpa,
            grouped("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", short: ["ing"], status: true, rule: .spec),
            grouped("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", namespaced: false, rule: .spec),
            grouped("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", short: ["netpol"], rule: .spec),
            grouped("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", short: ["pdb"],
                    status: true, rule: .spec),
            grouped("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", namespaced: false, short: ["sc"]),
            grouped("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", namespaced: false,
                    short: ["pc"]),
            grouped("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration",
                    "ValidatingWebhookConfiguration", namespaced: false, rule: .spec),
            grouped("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration",
                    "MutatingWebhookConfiguration", namespaced: false, rule: .spec),
            core("limitranges", "limitrange", "LimitRange", short: ["limits"]),
            core("resourcequotas", "resourcequota", "ResourceQuota", short: ["quota"], status: true),
            core("podtemplates", "podtemplate", "PodTemplate"),
            core("replicationcontrollers", "replicationcontroller", "ReplicationController", short: ["rc"], status: true,
                 categories: ["all"]),
            core("nodes", "node", "Node", namespaced: false, short: ["no"], status: true),
        ]
        return extras + [
            namespaces,
            core("configmaps", "configmap", "ConfigMap", short: ["cm"]),
            core("secrets", "secret", "Secret"),
            serviceAccounts,
            services,
            pods,
            core("events", "event", "Event", short: ["ev"]),
            core("endpoints", "endpoints", "Endpoints", short: ["ep"]),
            core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", short: ["pvc"], status: true),
            core("persistentvolumes", "persistentvolume", "PersistentVolume", namespaced: false, short: ["pv"], status: true),
            apps("deployments", "deployment", "Deployment", short: ["deploy"], rule: .specAndAnnotations),
            apps("replicasets", "replicaset", "ReplicaSet", short: ["rs"]),
            apps("statefulsets", "statefulset", "StatefulSet", short: ["sts"]),
            apps("daemonsets", "daemonset", "DaemonSet", short: ["ds"]),
            jobs, cronJobs, leases, events, crds, reviews,
            rbac("roles", "role", "Role", namespaced: true),
            rbac("clusterroles", "clusterrole", "ClusterRole", namespaced: false),
            rbac("rolebindings", "rolebinding", "RoleBinding", namespaced: true),
            rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", namespaced: false),
        ]
    }()
}
