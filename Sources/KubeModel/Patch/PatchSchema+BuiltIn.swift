// Patch metadata of the built-in Kubernetes kinds, transcribed from the `patchStrategy` and
// `patchMergeKey` tags of k8s.io/api (core/v1, apps/v1, batch/v1 and a few more groups) and
// checked field by field against `kubectl patch --local --type strategic` (client v1.32).
// Lists not named here (tolerations, envFrom, args, readinessGates, ...) have no tag: replaced.

extension PatchSchema {
    /// The built-in kinds: workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, PodTemplate, Job, CronJob), Service, ServiceAccount, Namespace, Node,
    /// PersistentVolumeClaim, webhook configurations, and metadata-only entries for the other
    /// common kinds so that `metadata.finalizers` and `metadata.ownerReferences` merge.
    public static let builtIn: PatchSchema = {
        var schema = PatchSchema()
        let meta = Types.objectMeta
        let conditions = Field.merge(key: "type")
        func plain(_ fields: [String: Field] = [:]) -> ObjectType {
            var type = ObjectType(fields)
            type["metadata"] = .nested(meta)
            return type
        }
        func workload(spec: ObjectType, status: ObjectType = ObjectType(["conditions": conditions])) -> ObjectType {
            plain(["spec": .nested(spec), "status": .nested(status)])
        }
        let templated = ObjectType(["template": .nested(Types.podTemplateSpec)])

        // core/v1
        schema.register(
            group: "", kind: "Pod",
            plain(["spec": .nested(Types.podSpec), "status": .nested(Types.podStatus)]))
        schema.register(group: "", kind: "PodTemplate", plain(["template": .nested(Types.podTemplateSpec)]))
        schema.register(group: "", kind: "ReplicationController", workload(spec: templated))
        schema.register(
            group: "", kind: "Service",
            workload(spec: ObjectType(["ports": .merge(key: "port")])))
        schema.register(group: "", kind: "ServiceAccount", plain(["secrets": .merge(key: "name")]))
        schema.register(group: "", kind: "Namespace", plain(["status": .nested(ObjectType(["conditions": conditions]))]))
        schema.register(
            group: "", kind: "Node",
            plain([
                "spec": .nested(ObjectType(["podCIDRs": .merge()])),
                "status": .nested(ObjectType(["conditions": conditions, "addresses": .merge(key: "type")])),
            ]))
        schema.register(
            group: "", kind: "PersistentVolumeClaim",
            plain(["status": .nested(ObjectType(["conditions": conditions]))]))
        for kind in [
            "ConfigMap", "Secret", "Endpoints", "PersistentVolume", "LimitRange", "ResourceQuota", "Event",
        ] {
            schema.register(group: "", kind: kind, plain())
        }

        // apps/v1
        schema.register(
            group: "apps", kind: "Deployment",
            workload(
                spec: ObjectType([
                    "template": .nested(Types.podTemplateSpec),
                    "strategy": Field(retainKeys: true),
                ])))
        for kind in ["StatefulSet", "DaemonSet", "ReplicaSet"] {
            schema.register(group: "apps", kind: kind, workload(spec: templated))
        }
        schema.register(group: "apps", kind: "ControllerRevision", plain())

        // batch/v1
        schema.register(group: "batch", kind: "Job", workload(spec: templated))
        schema.register(
            group: "batch", kind: "CronJob",
            plain(["spec": .nested(ObjectType(["jobTemplate": .nested(plain(["spec": .nested(templated)]))]))]))

        // Others whose lists carry no merge metadata besides object metadata and conditions.
        schema.register(group: "policy", kind: "PodDisruptionBudget", workload(spec: ObjectType()))
        schema.register(group: "autoscaling", kind: "HorizontalPodAutoscaler", workload(spec: ObjectType()))
        for kind in ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"] {
            schema.register(group: "admissionregistration.k8s.io", kind: kind, plain(["webhooks": .merge(key: "name")]))
        }
        for kind in ["Ingress", "IngressClass", "NetworkPolicy"] {
            schema.register(group: "networking.k8s.io", kind: kind, plain())
        }
        for kind in ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] {
            schema.register(group: "rbac.authorization.k8s.io", kind: kind, plain())
        }
        schema.register(group: "storage.k8s.io", kind: "StorageClass", plain())
        schema.register(group: "scheduling.k8s.io", kind: "PriorityClass", plain())
        schema.register(group: "coordination.k8s.io", kind: "Lease", plain())
        return schema
    }()

    /// Reusable types of the built-in schema.
    enum Types {
        /// metav1.ObjectMeta.
        static let objectMeta = ObjectType([
            "ownerReferences": .merge(key: "uid"),
            "finalizers": .merge(),
        ])

        /// core/v1 Container and EphemeralContainer.
        static let container = ObjectType([
            "ports": .merge(key: "containerPort"),
            "env": .merge(key: "name"),
            "volumeMounts": .merge(key: "mountPath"),
            "volumeDevices": .merge(key: "devicePath"),
        ])

        /// core/v1 PodSpec.
        static let podSpec = ObjectType([
            "containers": .merge(key: "name", container),
            "initContainers": .merge(key: "name", container),
            "ephemeralContainers": .merge(key: "name", container),
            "volumes": .merge(key: "name", retainKeys: true),
            "imagePullSecrets": .merge(key: "name"),
            "hostAliases": .merge(key: "ip"),
            "topologySpreadConstraints": .merge(key: "topologyKey"),
            "schedulingGates": .merge(key: "name"),
            "resourceClaims": .merge(key: "name", retainKeys: true),
        ])

        /// core/v1 PodStatus.
        static let podStatus = ObjectType([
            "conditions": .merge(key: "type"),
            "podIPs": .merge(key: "ip"),
            "hostIPs": .merge(key: "ip"),
            "resourceClaimStatuses": .merge(key: "name", retainKeys: true),
        ])

        /// core/v1 PodTemplateSpec.
        static let podTemplateSpec = ObjectType([
            "metadata": .nested(objectMeta),
            "spec": .nested(podSpec),
        ])
    }
}
