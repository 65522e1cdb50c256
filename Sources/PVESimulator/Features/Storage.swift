import ProxmoxCore

/// Simulated storage: pools and their content.
enum Storage: SimulatedFeature {
    static let routes: [ApiRoute] = [
        ApiRoute("GET", "nodes/{node}/storage", ["content", "enabled", "format", "storage", "target"]) { call in
            let content = call.options.value("content")
            let only = call.options.value("storage")
            return .data(try call.store.read { cluster in
                .array(cluster.storages.filter { storage in
                    storage.isAvailable(on: call.node) && (content.map(storage.content.contains) ?? true)
                        && (only.map { $0 == storage.id } ?? true)
                }.map { ApiViews.storage($0, node: call.node) })
            })
        },
        ApiRoute("GET", "nodes/{node}/storage/{storage}/content", ["content", "vmid"]) { call in
            let content = call.options.value("content")
            let vmid = try call.options.value("vmid").map { text throws(CLIFailure) in try Values.vmid(text) }
            let id = call.path["storage"] ?? ""
            return .data(try call.store.read { cluster -> JSONValue in
                guard let storage = cluster.storages.first(where: { $0.id == id }), storage.isAvailable(on: call.node) else {
                    throw CLIFailure.die("storage '\(id)' does not exist")
                }
                return .array(storage.volumes(on: call.node).filter { volume in
                    (content.map { $0 == volume.content } ?? true) && (vmid.map { $0 == volume.vmid } ?? true)
                }.sorted { $0.volid < $1.volid }.map(ApiViews.volume))
            })
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] { [:] }
}
