/// Storage pools and their content: API reads.

/// The pools of one node, or of every node (`/cluster/resources --type storage`).
public struct StorageList: ReadOperation {
    public var node: NodeName?
    public init(node: NodeName?) { self.node = node }
    public var apiCommand: Command {
        node.map { CommandForm.pvesh("get", "/nodes/\($0)/storage") } ?? CommandForm.pvesh("get", "/cluster/resources", ["--type", "storage"])
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [StorageSummary] {
        let document = try Self.document(output)
        if let node { return try StorageSummary.parseNodeList(document, node: node.value) }
        return try StorageSummary.parseResources(document)
    }
}

/// What one storage holds on one node, optionally one content type and one guest's only.
public struct StorageContent: ReadOperation {
    public var node: NodeName
    public var storage: StorageID
    public var content: String?
    public var vmid: VMID?
    public init(node: NodeName, storage: StorageID, content: String?, vmid: VMID? = nil) {
        self.node = node
        self.storage = storage
        self.content = content
        self.vmid = vmid
    }
    public var apiCommand: Command {
        CommandForm.pvesh("get", "/nodes/\(node)/storage/\(storage)/content", CommandForm.option("content", content) + CommandForm.option("vmid", vmid))
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [StorageVolume] {
        try StorageVolume.parseList(try Self.document(output))
    }
}
