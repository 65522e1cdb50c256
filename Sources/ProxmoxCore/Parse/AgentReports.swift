/// What the guest agent and the container interfaces endpoint report, typed. The agent's field
/// names are QEMU's (`ip-addresses`, `hardware-address`); numbers may come as strings.

/// A network interface inside a guest and its addresses.
public struct GuestInterface: Codable, Hashable, Sendable {
    public var name: String
    public var mac: String?
    public var addresses: [Address]

    public init(name: String, mac: String?, addresses: [Address]) {
        self.name = name
        self.mac = mac
        self.addresses = addresses
    }

    public struct Address: Codable, Hashable, Sendable {
        public var address: String
        /// `ipv4` or `ipv6`.
        public var family: String
        public var prefix: Int?

        public init(address: String, family: String, prefix: Int?) {
            self.address = address
            self.family = family
            self.prefix = prefix
        }
    }

    /// `network-get-interfaces`: an array of interfaces (guest-side loopback included).
    public static func parseAgent(_ document: JSONValue) throws(ParseFailure) -> [GuestInterface] {
        guard let items = document.arrayValue else { throw ParseFailure("expected a JSON array of interfaces") }
        return items.compactMap { item in
            guard let name = item["name"]?.stringValue else { return nil }
            let addresses = (item["ip-addresses"]?.arrayValue ?? []).compactMap { entry -> Address? in
                guard let address = entry["ip-address"]?.stringValue else { return nil }
                let family = entry["ip-address-type"]?.stringValue ?? (address.contains(":") ? "ipv6" : "ipv4")
                return Address(address: address, family: family, prefix: entry["prefix"]?.intValue.map { Int($0) })
            }
            return GuestInterface(name: name, mac: item["hardware-address"]?.stringValue, addresses: addresses)
        }
    }

    /// `GET /lxc/{vmid}/interfaces`: `inet`/`inet6` as CIDR strings (older versions), or the agent's
    /// `ip-addresses` list (newer ones).
    public static func parseContainer(_ document: JSONValue) throws(ParseFailure) -> [GuestInterface] {
        guard let items = document.arrayValue else { throw ParseFailure("expected a JSON array of interfaces") }
        var interfaces: [GuestInterface] = []
        for item in items {
            guard let name = item["name"]?.stringValue else { continue }
            var interface = try parseAgent(.array([item])).first ?? GuestInterface(name: name, mac: nil, addresses: [])
            interface.mac = interface.mac ?? item["hwaddr"]?.stringValue
            if interface.addresses.isEmpty {
                for key in ["inet", "inet6"] {
                    guard let cidr = item[key]?.stringValue else { continue }
                    let parts = cidr.split(separator: "/")
                    interface.addresses.append(Address(address: String(parts[0]), family: key == "inet" ? "ipv4" : "ipv6",
                                                       prefix: parts.count > 1 ? Int(parts[1]) : nil))
                }
            }
            interfaces.append(interface)
        }
        return interfaces
    }

    public static let schema = ResultSchema.object([
        .string("name", "Interface name inside the guest (eth0, ens18, lo)", required: true),
        .string("mac", "MAC address"),
        .list("addresses", "Its addresses", ResultSchema.object([
            .string("address", "IP address", required: true),
            .choice("family", ["ipv4", "ipv6"], "Address family", required: true),
            .integer("prefix", "Prefix length"),
        ]), required: true),
    ])
}

/// The guest's operating system (`get-osinfo`).
public struct GuestOSInfo: Codable, Hashable, Sendable {
    public var name: String?
    public var prettyName: String?
    public var version: String?
    public var versionId: String?
    public var id: String?
    public var kernelRelease: String?
    public var machine: String?

    public static func parse(_ document: JSONValue) -> GuestOSInfo {
        GuestOSInfo(name: document["name"]?.stringValue, prettyName: document["pretty-name"]?.stringValue,
                    version: document["version"]?.stringValue, versionId: document["version-id"]?.stringValue,
                    id: document["id"]?.stringValue, kernelRelease: document["kernel-release"]?.stringValue,
                    machine: document["machine"]?.stringValue)
    }

    public static let fields: [Field] = [
        .string("name", "OS name (Debian GNU/Linux, Microsoft Windows)"),
        .string("prettyName", "Full name with version"),
        .string("version", "Version"),
        .string("versionId", "Version id (12, 24.04, 10.0)"),
        .string("id", "OS id (debian, ubuntu, mswindows)"),
        .string("kernelRelease", "Kernel release"),
        .string("machine", "Architecture (x86_64)"),
    ]
}

/// A mounted file system inside the guest (`get-fsinfo`).
public struct GuestFilesystem: Codable, Hashable, Sendable {
    public var mountpoint: String
    public var type: String
    public var device: String?
    /// Bytes; absent on agents older than QEMU 5.0 and for pseudo file systems.
    public var totalBytes: Int64?
    public var usedBytes: Int64?

    public static func parse(_ document: JSONValue) throws(ParseFailure) -> [GuestFilesystem] {
        guard let items = document.arrayValue else { throw ParseFailure("expected a JSON array of file systems") }
        return items.compactMap { item in
            guard let mountpoint = item["mountpoint"]?.stringValue else { return nil }
            return GuestFilesystem(mountpoint: mountpoint, type: item["type"]?.stringValue ?? "unknown", device: item["name"]?.stringValue,
                                   totalBytes: item["total-bytes"]?.intValue, usedBytes: item["used-bytes"]?.intValue)
        }
    }

    public static let schema = ResultSchema.object([
        .string("mountpoint", "Mount point (/, C:\\)", required: true),
        .string("type", "File system type (ext4, xfs, NTFS)", required: true),
        .string("device", "Device name inside the guest"),
        .integer("totalBytes", "Size, bytes (agents of QEMU 5.0+)"),
        .integer("usedBytes", "Used, bytes (agents of QEMU 5.0+)"),
    ])
}

/// How a program run inside a guest ended.
public struct GuestExecResult: Codable, Hashable, Sendable {
    public var exited: Bool
    public var exitCode: Int?
    public var signal: Int?
    public var stdout: String
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool

    public init(exited: Bool, exitCode: Int?, signal: Int?, stdout: String, stderr: String, stdoutTruncated: Bool, stderrTruncated: Bool) {
        self.exited = exited
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
    }

    /// `exec-status` / `qm guest exec`: `exited`, `exitcode`, `out-data`, `err-data`, `*-truncated`.
    public static func parseAgent(_ document: JSONValue) throws(ParseFailure) -> GuestExecResult {
        guard case .object = document else { throw ParseFailure("expected a JSON object of exec status") }
        return GuestExecResult(exited: document["exited"]?.boolValue ?? false, exitCode: document["exitcode"]?.intValue.map { Int($0) },
                               signal: document["signal"]?.intValue.map { Int($0) }, stdout: document["out-data"]?.stringValue ?? "",
                               stderr: document["err-data"]?.stringValue ?? "", stdoutTruncated: document["out-truncated"]?.boolValue ?? false,
                               stderrTruncated: document["err-truncated"]?.boolValue ?? false)
    }

    /// Cuts stdout and stderr to `limit` bytes each (at a character boundary), marking them truncated.
    public func capped(at limit: Int) -> GuestExecResult {
        func cut(_ text: String) -> (String, Bool) {
            guard text.utf8.count > limit else { return (text, false) }
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
            while end > text.startIndex && !text.unicodeScalars.indices.contains(end) { end = text.utf8.index(before: end) }
            return (String(text[..<end]), true)
        }
        var copy = self
        let (out, outCut) = cut(stdout), (err, errCut) = cut(stderr)
        copy.stdout = out
        copy.stderr = err
        copy.stdoutTruncated = stdoutTruncated || outCut
        copy.stderrTruncated = stderrTruncated || errCut
        return copy
    }
}
