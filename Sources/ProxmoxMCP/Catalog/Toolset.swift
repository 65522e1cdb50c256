import MCP
import ProxmoxCore
import Synchronization

/// A group of tools for one kind of work, the unit the catalog is organised by: each has the same
/// file name in the engine (`Operations/`), here (`Toolsets/`), the simulator (`Features/`) and the
/// tests. The `toolsets` setting chooses which are listed and callable.
public struct Toolset: Sendable {
    public let id: String
    /// One line: what its tools are for.
    public let summary: String
    /// Part of `core`, on unless the `toolsets` setting says otherwise.
    public let isDefault: Bool
    public let tools: [ToolDefinition]

    /// - Parameter spansClusters: its tools answer for the whole server (no `cluster` argument).
    init(id: String, summary: String, isDefault: Bool, spansClusters: Bool = false, tools: [ToolDefinition]) {
        self.id = id
        self.summary = summary
        self.isDefault = isDefault
        self.tools = tools.map { tool in
            var tool = tool
            tool.toolset = id
            tool.spansClusters = spansClusters
            return tool
        }
    }
}

/// Every toolset and tool the server has, in a stable order. The docs' tool reference, the README's
/// table and the tests' coverage checks are all derived from it.
public enum ToolCatalog {
    /// The toolsets of Proxmox work, which the `toolsets` setting chooses from.
    public static let workSets: [Toolset] = [
        Guests.toolset, Snapshots.toolset, Config.toolset, Nodes.toolset, Storage.toolset, Tasks.toolset, Backups.toolset,
        API.toolset, Migration.toolset, Disks.toolset, CloudInit.toolset, GuestAgent.toolset, FleetTools.toolset,
    ]

    /// Every toolset: the work sets, then the toolsets' own (listed with `dynamicToolsets`).
    public static let toolsets: [Toolset] = workSets + [Toolsets.toolset]

    public static let all: [ToolDefinition] = toolsets.flatMap(\.tools)

    /// The toolset with this id.
    public static func toolset(_ id: String) -> Toolset? { toolsets.first { $0.id == id } }

    /// The ids a `toolsets` value may name: each toolset, `core` (every default one) and `all`.
    public static var selectable: [String] { ["core", "all"] + workSets.map(\.id) }

    /// The toolset ids a `toolsets` value turns on.
    public static func expand(_ names: [String]) -> Set<String> {
        var ids = Set<String>()
        for name in names {
            switch name {
            case "core": ids.formUnion(workSets.filter(\.isDefault).map(\.id))
            case "all": ids.formUnion(workSets.map(\.id))
            default: ids.insert(name)
            }
        }
        return ids
    }
}

/// Which toolsets are on in this server: those of the `toolsets` setting, plus those the model
/// switched on in this session (with `dynamicToolsets`).
public final class ToolsetSelection: Sendable {
    private let state: Mutex<Set<String>>
    /// Whether the model may list and switch on toolsets (the `toolsets` meta-tools are listed).
    public let dynamic: Bool

    /// - Parameter names: toolset ids, `core` or `all`; default `core`.
    public init(_ names: [String] = ["core"], dynamic: Bool = false) {
        var ids = ToolCatalog.expand(names)
        if dynamic { ids.insert(Toolsets.id) }
        state = Mutex(ids)
        self.dynamic = dynamic
    }

    public var enabled: Set<String> { state.withLock { $0 } }

    public func isOn(_ id: String) -> Bool { state.withLock { $0.contains(id) } }

    /// Switches a toolset on; false when it already was.
    @discardableResult
    public func enable(_ id: String) -> Bool { state.withLock { $0.insert(id).inserted } }
}
