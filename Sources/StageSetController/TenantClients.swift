public import KubeAPI
public import KubeClient
import KubeModel
import Synchronization

/// Clients acting as tenant ServiceAccounts, as the reference does it: tokens minted through TokenRequest
/// (the controller needs `create serviceaccounts/token`, not `impersonate`), renewed before expiry and after
/// a 401. One client per ServiceAccount, kept for the life of the controller.
public final class TenantClients: Sendable {
    private let controller: KubeClient
    private let clients = Mutex<[ObjectKey: KubeClient]>([:])

    public init(controller: KubeClient) {
        self.controller = controller
    }

    /// The client for ServiceAccount `name` in `namespace`; the controller's own client when `name` is empty.
    public func client(namespace: String, serviceAccount name: String?) -> any KubernetesClient {
        guard let name, !name.isEmpty else { return controller }
        let key = ObjectKey(namespace: namespace, name: name)
        return clients.withLock { clients in
            if let client = clients[key] { return client }
            let client = controller.actingAs(serviceAccount: name, namespace: namespace)
            clients[key] = client
            return client
        }
    }
}
