import Foundation
import MCP
import ProxmoxCore

/// Cluster state as MCP resources (JSON), read live through the engine with pvesh: the cluster,
/// its nodes and guests as fixed resources; one node, guest or storage as resource templates.
enum ResourceCatalog {
    static let mimeType = "application/json"

    static let fixed: [Resource] = [
        Resource(name: "cluster-status", uri: "proxmox://cluster/status", title: "Cluster status",
                 description: "Quorum, cluster name and every node with its state.", mimeType: mimeType),
        Resource(name: "nodes", uri: "proxmox://nodes", title: "Nodes",
                 description: "Every node with status, CPU, memory, root disk and uptime.", mimeType: mimeType),
        Resource(name: "guests", uri: "proxmox://guests", title: "Guests",
                 description: "Every VM and container of the cluster with node, status and usage.", mimeType: mimeType),
    ]

    static let templates: [Resource.Template] = [
        .init(uriTemplate: "proxmox://nodes/{node}/status", name: "node-status", title: "Node status",
              description: "One node's CPU, memory, swap, root disk, load, kernel and PVE version.", mimeType: mimeType),
        .init(uriTemplate: "proxmox://guests/{vmid}/config", name: "guest-config", title: "Guest configuration",
              description: "A VM's or container's configuration and its digest.", mimeType: mimeType),
        .init(uriTemplate: "proxmox://guests/{vmid}/snapshots", name: "guest-snapshots", title: "Guest snapshots",
              description: "A guest's snapshot tree; `current` is the live state.", mimeType: mimeType),
        .init(uriTemplate: "proxmox://nodes/{node}/storage/{storage}/content", name: "storage-content", title: "Storage content",
              description: "Volumes on one storage of one node: ISOs, templates, backups, disks.", mimeType: mimeType),
    ]

    /// With several clusters every URI names its cluster: `proxmox://clusters/{cluster}/nodes`; a URI
    /// without that prefix reads the default cluster.
    static let clusterPrefix = "proxmox://clusters/"

    /// The fixed resources: once per cluster when there are several.
    static func resources(_ fleet: Fleet) -> [Resource] {
        guard fleet.isMulti else { return fixed }
        return fleet.names.flatMap { name in
            fixed.map { resource in
                Resource(name: "\(name)-\(resource.name)", uri: clusterPrefix + name + "/" + resource.uri.dropFirst("proxmox://".count),
                         title: "\(resource.title ?? resource.name) (\(name))", description: resource.description, mimeType: mimeType)
            }
        }
    }

    /// The templates: with a `{cluster}` variable when there are several (completions offer the names).
    static func resourceTemplates(_ fleet: Fleet) -> [Resource.Template] {
        guard fleet.isMulti else { return templates }
        return templates.map { template in
            .init(uriTemplate: clusterPrefix + "{cluster}/" + template.uriTemplate.dropFirst("proxmox://".count), name: template.name,
                  title: template.title, description: template.description, mimeType: mimeType)
        }
    }

    /// The cluster a URI names and the URI without it.
    static func route(_ uri: String, _ fleet: Fleet) throws -> (String, ToolEnvironment) {
        guard fleet.isMulti, uri.hasPrefix(clusterPrefix) else { return (uri, fleet.primary) }
        let rest = uri.dropFirst(clusterPrefix.count)
        let name = String(rest.prefix { $0 != "/" })
        guard let member = fleet.members.first(where: { $0.cluster == name }) else {
            throw MCPError.invalidParams("unknown cluster '\(name.prefix(40))' in \(uri.prefix(120)): one of \(fleet.names.joined(separator: ", "))")
        }
        return ("proxmox://" + rest.dropFirst(name.count + 1), member)
    }

    static func register(on server: Server, fleet: Fleet) async {
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: resources(fleet))
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: resourceTemplates(fleet))
        }
        await server.withMethodHandler(ReadResource.self) { parameters in
            let (uri, environment) = try route(parameters.uri, fleet)
            let value = try await read(uri, environment)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let text = String(decoding: try encoder.encode(value), as: UTF8.self)
            return ReadResource.Result(contents: [.text(text, uri: parameters.uri, mimeType: mimeType)])
        }
    }

    /// The JSON of one resource. An unknown URI or a bad part of one is `invalidParams`; a failure
    /// on the host is an internal error carrying the one-line message.
    static func read(_ uri: String, _ environment: ToolEnvironment) async throws -> Value {
        guard uri.hasPrefix("proxmox://") else { throw MCPError.invalidParams("unknown resource '\(uri.prefix(120))': URIs start with proxmox://") }
        let parts = uri.dropFirst("proxmox://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let engine = environment.engine
        let transport = environment.defaultTransport
        do {
            switch parts.count {
            case 2 where parts == ["cluster", "status"]:
                return try Structured.encode(try await engine.clusterStatus(transport: transport).value)
            case 1 where parts == ["nodes"]:
                return ["nodes": try Structured.encode(try await engine.listNodes(transport: transport).value)]
            case 1 where parts == ["guests"]:
                return ["guests": try Structured.encode(try await engine.listGuests(transport: transport).value)]
            case 3 where parts[0] == "nodes" && parts[2] == "status":
                let node = try await engine.node(named: parts[1])
                return try Structured.encode(try await engine.nodeStatus(node, transport: transport).value)
            case 3 where parts[0] == "guests" && (parts[2] == "config" || parts[2] == "snapshots"):
                let guest = try await engine.locate(vmid: try VMID(parsing: parts[1]))
                var fields: [String: Value] = ["vmid": .int(guest.vmid.value), "node": .string(guest.node.value), "type": .string(guest.kind.rawValue)]
                if parts[2] == "config" {
                    let config = try await engine.config(guest, transport: transport).value
                    fields["config"] = try Structured.encode(config.options)
                    if let digest = config.digest { fields["digest"] = .string(digest) }
                } else {
                    fields["snapshots"] = try Structured.encode(try await engine.snapshots(guest, transport: transport).value)
                }
                return .object(fields)
            case 5 where parts[0] == "nodes" && parts[2] == "storage" && parts[4] == "content":
                let node = try await engine.node(named: parts[1])
                let storage = try StorageID(parts[3], field: "storage")
                let volumes = try await engine.read(StorageContent(node: node, storage: storage, content: nil), transport: transport).value
                return ["node": .string(node.value), "storage": .string(storage.value), "volumes": try Structured.encode(volumes)]
            default:
                throw MCPError.invalidParams("unknown resource '\(uri.prefix(120))'; see resources/list and resources/templates/list")
            }
        } catch let error as ProxmoxError {
            switch error {
            case .invalidArgument, .notFound: throw MCPError.invalidParams("\(uri.prefix(120)): \(error)")
            default: throw MCPError.internalError("\(uri.prefix(120)): \(error)")
            }
        }
    }
}
