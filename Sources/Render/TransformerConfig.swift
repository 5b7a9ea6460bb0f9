/// The built-in field specs of kustomize's transformers (its `commonLabels`, `templateLabels`,
/// `commonAnnotations` and `nameReference` configurations) for the common kinds.
enum TransformerConfig {
    private static let affinityPaths = [
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
    ]

    /// Where `commonLabels` (and `labels` with `includeSelectors`) go.
    static let commonLabels: [FieldSpec] = {
        var specs: [FieldSpec] = [
            FieldSpec("metadata/labels", create: true),
            FieldSpec("spec/selector", kind: "Service", version: "v1", create: true),
            FieldSpec("spec/selector", kind: "ReplicationController", version: "v1", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "ReplicationController", version: "v1", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "ReplicaSet", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "DaemonSet", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "StatefulSet", group: "apps", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
            FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "Job", group: "batch", create: false),
            FieldSpec("spec/template/metadata/labels", kind: "Job", group: "batch", create: true),
            FieldSpec("spec/jobTemplate/spec/selector/matchLabels", kind: "CronJob", group: "batch", create: false),
            FieldSpec("spec/jobTemplate/metadata/labels", kind: "CronJob", group: "batch", create: true),
            FieldSpec("spec/jobTemplate/spec/template/metadata/labels", kind: "CronJob", group: "batch", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "PodDisruptionBudget", group: "policy", create: false),
            FieldSpec("spec/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io", create: false),
            FieldSpec("spec/ingress/from/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
            FieldSpec("spec/egress/to/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
        ]
        for path in affinityPaths {
            specs.append(FieldSpec(path, kind: "Deployment", group: "apps"))
            specs.append(FieldSpec(path, kind: "StatefulSet", group: "apps"))
        }
        return specs
    }()

    /// Where `labels` with `includeTemplates` (and without `includeSelectors`) go besides metadata.
    static let templateLabels: [FieldSpec] = [
        FieldSpec("spec/template/metadata/labels", kind: "ReplicationController", version: "v1", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "Job", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/metadata/labels", kind: "CronJob", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/spec/template/metadata/labels", kind: "CronJob", group: "batch", create: true),
    ]

    /// Where `commonAnnotations` go.
    static let commonAnnotations: [FieldSpec] = [
        FieldSpec("metadata/annotations", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "ReplicationController", version: "v1", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "Deployment", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "ReplicaSet", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "DaemonSet", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "Job", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/metadata/annotations", kind: "CronJob", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/spec/template/metadata/annotations", kind: "CronJob", group: "batch", create: true),
    ]

    /// Kinds whose `spec/replicas` the `replicas` field sets.
    static let replicaKinds: Set<String> = ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"]

    /// Where a kind keeps its pod spec.
    static func podSpecPath(kind: String) -> String? {
        switch kind {
        case "Pod": "spec"
        case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController": "spec/template/spec"
        case "CronJob": "spec/jobTemplate/spec/template/spec"
        case "PodTemplate": "template/spec"
        default: nil
        }
    }

    /// A field that refers to an object of `referent` kind by name.
    struct Reference {
        var referentKind: String
        /// The referrer kind; nil means any kind with a pod spec (paths relative to it).
        var referrerKind: String?
        var path: String
        /// For `subjects`/`roleRef`/`scaleTargetRef`: the sibling `kind` must equal the referent kind.
        var kindField = false
        /// The path names an object holding `name` (and maybe `namespace`), not the name itself.
        var objectField = false
    }

    private static let containerLists = ["containers", "initContainers", "ephemeralContainers"]

    /// The name references kustomize updates when a referent is renamed.
    static let references: [Reference] = {
        var refs: [Reference] = []
        func pod(_ kind: String, _ path: String) { refs.append(Reference(referentKind: kind, referrerKind: nil, path: path)) }
        for list in containerLists {
            pod("ConfigMap", "\(list)/env/valueFrom/configMapKeyRef/name")
            pod("ConfigMap", "\(list)/envFrom/configMapRef/name")
            pod("Secret", "\(list)/env/valueFrom/secretKeyRef/name")
            pod("Secret", "\(list)/envFrom/secretRef/name")
        }
        pod("ConfigMap", "volumes/configMap/name")
        pod("ConfigMap", "volumes/projected/sources/configMap/name")
        pod("Secret", "volumes/secret/secretName")
        pod("Secret", "volumes/projected/sources/secret/name")
        pod("Secret", "imagePullSecrets/name")
        pod("ServiceAccount", "serviceAccountName")
        pod("ServiceAccount", "serviceAccount")
        pod("PersistentVolumeClaim", "volumes/persistentVolumeClaim/claimName")
        pod("PriorityClass", "priorityClassName")
        func ref(_ referent: String, _ referrer: String, _ path: String, kindField: Bool = false) {
            refs.append(Reference(referentKind: referent, referrerKind: referrer, path: path, kindField: kindField))
        }
        ref("Secret", "ServiceAccount", "imagePullSecrets/name")
        ref("Secret", "ServiceAccount", "secrets/name")
        ref("Secret", "Ingress", "spec/tls/secretName")
        ref("Service", "Ingress", "spec/rules/http/paths/backend/service/name")
        ref("Service", "Ingress", "spec/defaultBackend/service/name")
        ref("Service", "Ingress", "spec/rules/http/paths/backend/serviceName")
        ref("Service", "Ingress", "spec/backend/serviceName")
        ref("Service", "StatefulSet", "spec/serviceName")
        for (referrer, path) in [
            ("APIService", "spec/service"), ("ValidatingWebhookConfiguration", "webhooks/clientConfig/service"),
            ("MutatingWebhookConfiguration", "webhooks/clientConfig/service"),
        ] {
            refs.append(Reference(referentKind: "Service", referrerKind: referrer, path: path, objectField: true))
        }
        for binding in ["RoleBinding", "ClusterRoleBinding"] {
            ref("ServiceAccount", binding, "subjects", kindField: true)
            ref("ClusterRole", binding, "roleRef", kindField: true)
        }
        ref("Role", "RoleBinding", "roleRef", kindField: true)
        for target in ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"] {
            ref(target, "HorizontalPodAutoscaler", "spec/scaleTargetRef", kindField: true)
        }
        ref("PersistentVolume", "PersistentVolumeClaim", "spec/volumeName")
        ref("StorageClass", "PersistentVolumeClaim", "spec/storageClassName")
        ref("StorageClass", "PersistentVolume", "spec/storageClassName")
        ref("StorageClass", "StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName")
        return refs
    }()
}
