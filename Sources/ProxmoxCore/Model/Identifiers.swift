/// Names Proxmox validates with a pattern, each refused before anything runs when it does not fit.
/// Rules from pve-common `PVE/JSONSchema.pm` (see PROXMOX-CLI-NOTES §7).

/// A storage id (`pve-storage-id`): `^[a-z][a-z0-9\-_.]*[a-z0-9]$`, case-insensitive, at least 2 characters.
public struct StorageID: Hashable, Sendable, CustomStringConvertible {
    /// The rule as a JSON Schema pattern (the check itself is ASCII, case-insensitive).
    public static let pattern = "^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]$"
    public let value: String
    public init(_ text: String, field: String = "storage") throws(ProxmoxError) {
        guard Ascii.isWord(text, length: 2...64, first: Ascii.isLetter, inner: "-_.", last: Ascii.isLetterOrDigit) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(64))' is not a storage id (letters, digits, '-', '_', '.'; starts with a letter)")
        }
        value = text
    }
    public var description: String { value }
}

/// A config key or snapshot name (`pve-configid`): `^[a-z][a-z0-9_-]+$`, case-insensitive.
public struct ConfigKey: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String, field: String = "key") throws(ProxmoxError) {
        guard Self.isValid(text) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(64))' is not a config key (a letter, then letters, digits, '_' or '-')")
        }
        value = text
    }
    static func isValid(_ text: String) -> Bool {
        Ascii.isWord(text, length: 2...64, first: Ascii.isLetter, inner: "_-", last: { Ascii.isLetterOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
    }
    public var description: String { value }
}

/// A snapshot name: a config id of at most 40 characters; `current` names the live state and is refused.
public struct SnapshotName: Hashable, Sendable, CustomStringConvertible {
    /// The rule as a JSON Schema pattern, and the longest name.
    public static let pattern = "^[a-zA-Z][a-zA-Z0-9_-]+$"
    public static let maxLength = 40
    public let value: String
    public init(_ text: String, field: String = "snapshot") throws(ProxmoxError) {
        guard text.count <= Self.maxLength, ConfigKey.isValid(text) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(64))' is not a snapshot name (2-40 characters: a letter, then letters, digits, '_' or '-')")
        }
        guard text.lowercased() != "current" else {
            throw .invalidArgument(field: field, reason: "'current' is the live state, not a snapshot")
        }
        value = text
    }
    public var description: String { value }
}

/// A guest name (VM name or container hostname; `dns-name`): labels of letters, digits and inner '-', joined by '.'.
public struct GuestName: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String, field: String = "name") throws(ProxmoxError) {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, text.count <= 255, labels.allSatisfy({ label in
            Ascii.isWord(String(label), length: 1...63, first: Ascii.isLetterOrDigit, inner: "-", last: Ascii.isLetterOrDigit)
        }) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(64))' is not a DNS name (letters, digits, inner '-', labels joined by '.')")
        }
        value = text
    }
    public var description: String { value }
}

/// A volume id (`storage:path`), e.g. `local:iso/debian.iso`, `local:vztmpl/debian-12.tar.zst`.
public struct VolumeID: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String, field: String) throws(ProxmoxError) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, (try? StorageID(String(parts[0]))) != nil, !parts[1].isEmpty, text.count <= 512,
              !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == "=" || $0.asciiValue.map { $0 < 32 } ?? false }),
              !parts[1].hasPrefix("-"), !text.contains("..")
        else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(80))' is not a volume id (storage:path, e.g. local:iso/debian-12.iso)")
        }
        value = text
    }
    public var description: String { value }
}

enum Ascii {
    /// Whether `text` (ASCII, case-insensitive) has a length in `length`, a `first` byte, then letters,
    /// digits or `inner` bytes, and a `last` byte that passes `last`.
    static func isWord(_ text: String, length: ClosedRange<Int>, first: (UInt8) -> Bool, inner: String,
                       last: (UInt8) -> Bool) -> Bool {
        let bytes = Array(text.utf8)
        let extra = Array(inner.utf8)
        guard length.contains(bytes.count), let head = bytes.first, let tail = bytes.last else { return false }
        return first(head) && last(tail) && bytes.allSatisfy { isLetterOrDigit($0) || extra.contains($0) }
    }

    static func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) }
    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    static func isLetterOrDigit(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
}
