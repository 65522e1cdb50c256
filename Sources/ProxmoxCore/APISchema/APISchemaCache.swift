import Foundation
import Synchronization

/// Finds the schema calls are checked against, once per server (connection): the host's own
/// (`/usr/share/pve-docs/api-viewer/apidoc.js`, which pve-docs installs; read with `cat`, no Perl),
/// else the embedded one for the host's release (`pvesh get /version`), else the newest embedded.
public final class APISchemaCache: Sendable {
    /// Where pve-docs keeps the API viewer's data.
    public static let hostPath = "/usr/share/pve-docs/api-viewer/apidoc.js"
    /// The host's schema, read as a file.
    public static let readHostSchema = Command(["cat", hostPath], isReadOnly: true)
    /// The host's release, for choosing an embedded schema.
    public static let readVersion = CommandForm.pvesh("get", "/version")

    private let found = Mutex<APISchema?>(nil)

    public init() {}

    /// The schema, looked up on first use with `runner`; the commands it ran are journaled.
    public func schema(_ runner: any CommandRunner) async -> APISchema {
        if let schema = found.withLock({ $0 }) { return schema }
        let schema = await Self.lookUp(runner)
        return found.withLock { current in
            if let current { return current }
            current = schema
            return schema
        }
    }

    static func lookUp(_ runner: any CommandRunner) async -> APISchema {
        CommandJournal.current?.record(readHostSchema)
        if let output = try? await runner.run(readHostSchema), output.exitStatus == 0,
           let schema = try? APISchema(apiDoc: output.stdoutText, source: "host \(hostPath)") {
            return schema
        }
        CommandJournal.current?.record(readVersion)
        if let output = try? await runner.run(readVersion), output.exitStatus == 0,
           let version = try? JSONValue.parse(output.stdout), let release = version["version"]?.stringValue ?? version["release"]?.stringValue {
            return EmbeddedSchemas.forRelease(release)
        }
        return EmbeddedSchemas.pve9
    }
}
