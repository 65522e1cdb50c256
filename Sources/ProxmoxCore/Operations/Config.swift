/// A guest's configuration: read it, change it.

public struct ConfigGet: ReadOperation {
    public var target: GuestRef
    public init(_ target: GuestRef) { self.target = target }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/config") }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "config", target.vmid, readOnly: true) }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> GuestConfig {
        family == .cli ? try GuestConfig.parseText(output.stdoutText) : try GuestConfig.parse(try Self.document(output))
    }
}

/// `qm set` / `pct set`, or `PUT .../config`: synchronous for both kinds (containers have no POST config).
public struct ConfigSet: ChangeOperation {
    public var target: GuestRef
    public var change: ConfigChange
    public init(_ target: GuestRef, _ change: ConfigChange) {
        self.target = target
        self.change = change
    }

    public var apiCommand: Command { CommandForm.pvesh("set", target.apiPath + "/config", options) }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "set", target.vmid, options) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .synchronous }

    var options: [String] {
        change.set.keys.sorted { $0.value < $1.value }.flatMap { CommandForm.option($0.value, change.set[$0]!.value) }
            + CommandForm.option("delete", change.delete.isEmpty ? nil : change.delete.map(\.value).joined(separator: ","))
            + CommandForm.option("digest", change.digest)
    }
}
