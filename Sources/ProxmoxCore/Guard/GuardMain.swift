#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The guard as it runs on the host, from `authorized_keys`:
///
///     command="/usr/bin/mcp-proxmox-admin guard --name mcp-proxmox-admin",restrict ssh-ed25519 AAAA... mcp-proxmox-admin
///
/// sshd puts what the client asked for in `SSH_ORIGINAL_COMMAND`; the guard checks it and then
/// executes its argv itself, with no shell. A refusal is one line on stderr, exit status 77, and a
/// line in the host's log (syslog, facility authpriv; and the policy's `log` file when set).
public enum GuardMain {
    /// The exit status of a refusal (EX_NOPERM of sysexits.h), which no Proxmox tool uses.
    public static let refusedStatus: Int32 = 77
    /// The start of every refusal line; the server's error classifier knows it.
    public static let refusalPrefix = "refused by the host's guard"

    /// `[--name KEY-NAME] [--policy PATH]`; never returns.
    public static func run(arguments: [String], environment: [String: String]) -> Never {
        var name = "mcp-proxmox-admin"
        var policyPath = environment["MCP_PROXMOX_GUARD_POLICY"] ?? GuardPolicy.defaultPath
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--name" where index + 1 < arguments.count: name = arguments[index + 1]; index += 2
            case "--policy" where index + 1 < arguments.count: policyPath = arguments[index + 1]; index += 2
            default: refuse("the guard's own arguments ('\(arguments[index].prefix(30))' is not --name NAME or --policy PATH)", line: "", name: name, log: nil)
            }
        }
        guard let line = environment["SSH_ORIGINAL_COMMAND"] else {
            refuse("an interactive login (the key is for commands only)", line: "", name: name, log: nil)
        }
        let policy: GuardPolicy
        do { policy = try GuardPolicy.load(policyPath) } catch { refuse(error.reason, line: line, name: name, log: nil) }
        // Shell syntax is refused before any schema is read (the cheap check first).
        do { _ = try GuardLine.argv(line) } catch { refuse(error.reason, line: line, name: name, log: policy.log) }
        let command: GuardedCommand
        do { command = try HostGuard(schemas: hostSchemas(), fallbacks: [{ EmbeddedSchemas.pve8 }]).check(line, policy: policy) } catch {
            refuse(error.reason, line: line, name: name, log: policy.log)
        }
        execute(command.argv, line: line, name: name, log: policy.log)
    }

    /// The host's own schema when pve-docs installed it, else the newest embedded one (the 8.4 one
    /// is read only when a value fails against it).
    static func hostSchemas() -> [APISchema] {
        if let text = try? String(contentsOfFile: APISchemaCache.hostPath, encoding: .utf8),
           let schema = try? APISchema(apiDoc: text, source: "host") {
            return [schema]
        }
        return [EmbeddedSchemas.pve9]
    }

    static func execute(_ argv: [String], line: String, name: String, log: String?) -> Never {
        var pointers = argv.map { strdup($0) } + [nil]
        execvp(argv[0], &pointers)
        refuse("\(argv[0]) could not be started (\(String(cString: strerror(errno))))", line: line, name: name, log: log, status: 127)
    }

    static func refuse(_ reason: String, line: String, name: String, log: String?, status: Int32 = refusedStatus) -> Never {
        let shown = String(line.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) }.prefix(300))
        let message = "\(refusalPrefix) (\(name)): \(reason)"
        FileHandle.standardError.write(Data((message + "\n").utf8))
        let entry = "mcp-proxmox-admin guard: key \(name) refused: \(reason): \(shown)"
        openlog("mcp-proxmox-guard", LOG_PID, LOG_AUTHPRIV)
        withVaList([entry]) { vsyslog(LOG_WARNING, "%s", $0) }
        if let log, let handle = FileHandle(forWritingAtPath: log) ?? (FileManager.default.createFile(atPath: log, contents: nil) ? FileHandle(forWritingAtPath: log) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data((ISO8601DateFormatter().string(from: Date()) + " " + entry + "\n").utf8))
            try? handle.close()
        }
        exit(status)
    }
}
