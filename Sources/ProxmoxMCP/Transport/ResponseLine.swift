import Foundation
import MCP
import ProxmoxCore

/// The JSON-RPC line answering a `tools/call`, written straight from the result: the same bytes as
/// the SDK's `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` (tests compare the two
/// on random and real results), without the encoder's generic containers, which boxed every value
/// and were half of the server's own time per call (perf, docs/performance.md).
public enum ResponseLine {
    /// The line of `result` answering request `id`; nil when the result holds something this writer
    /// leaves to the encoder: content other than plain text, metadata, binary data, or a number
    /// that is not finite (which the encoder refuses).
    public static func toolResult(id: ID, _ result: CallTool.Result) -> Data? {
        guard result._meta == nil else { return nil }
        var line: [UInt8] = []
        line.reserveCapacity(2048)
        line += #"{"id":"#.utf8
        switch id {
        case let .string(text): writeString(text, into: &line)
        case let .number(number): line += String(number).utf8
        }
        line += #","jsonrpc":"2.0","result":{"content":["#.utf8
        for (index, content) in result.content.enumerated() {
            guard case let .text(text, nil, nil) = content else { return nil }
            if index > 0 { line.append(UInt8(ascii: ",")) }
            line += #"{"text":"#.utf8
            writeString(text, into: &line)
            line += #","type":"text"}"#.utf8
        }
        line.append(UInt8(ascii: "]"))
        if let isError = result.isError { line += (isError ? #","isError":true"# : #","isError":false"#).utf8 }
        if let structured = result.structuredContent {
            line += #","structuredContent":"#.utf8
            guard write(structured, into: &line) else { return nil }
        }
        line += "}}".utf8
        return Data(line)
    }

    /// Appends `value` as JSON; false for what the encoder writes differently or refuses.
    static func write(_ value: Value, into line: inout [UInt8]) -> Bool {
        switch value {
        case .null:
            line += "null".utf8
        case let .bool(flag):
            line += (flag ? "true" : "false").utf8
        case let .int(number):
            line += String(number).utf8
        case let .double(number):
            guard number.isFinite else { return false }
            line += JSONValueEncoder.text(of: number).utf8
        case let .string(text):
            writeString(text, into: &line)
        case .data:
            return false
        case let .array(items):
            line.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                guard write(item, into: &line) else { return false }
            }
            line.append(UInt8(ascii: "]"))
        case let .object(fields):
            line.append(UInt8(ascii: "{"))
            // `.sortedKeys` orders by the keys' UTF-8 bytes.
            let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                writeString(key, into: &line)
                line.append(UInt8(ascii: ":"))
                guard write(fields[key]!, into: &line) else { return false }
            }
            line.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// A JSON string as the encoder writes it: `"` and `\` escaped, the short escapes for
    /// backspace, tab, newline, form feed and carriage return, `\u00xx` for the other control
    /// characters, everything else (slashes, DEL, non-ASCII) as is.
    static func writeString(_ text: String, into line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line += #"\""#.utf8
            case UInt8(ascii: "\\"): line += #"\\"#.utf8
            case 0x08: line += #"\b"#.utf8
            case 0x09: line += #"\t"#.utf8
            case 0x0A: line += #"\n"#.utf8
            case 0x0C: line += #"\f"#.utf8
            case 0x0D: line += #"\r"#.utf8
            case 0..<0x20:
                line += #"\u00"#.utf8
                line.append(hexDigits[Int(byte >> 4)])
                line.append(hexDigits[Int(byte & 0x0F)])
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
