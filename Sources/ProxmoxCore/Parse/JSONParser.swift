/// A strict JSON reader straight into ``JSONValue``: RFC 8259, any value at the top, numbers as
/// Foundation's decoder reads them (an integral value is an integer: `1.0` and `1e3` too). It is
/// the one JSON parser of the project; Foundation's `JSONDecoder` through a recursive `Decodable`
/// took half a second for the API schema, which the host-side guard reads for every command.
struct JSONParser {
    /// Deeper nesting is refused rather than risking the stack (no Proxmox answer comes close).
    static let maximumDepth = 512

    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// The text, borrowed for the parse: reading through a buffer pointer rather than the array
    /// made parsing a 3 MB `/cluster/resources` listing several times faster.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    static func parse(_ text: [UInt8]) throws(Failure) -> JSONValue {
        try borrowing(text) { parser throws(Failure) in try parser.value(depth: 0) }
    }

    /// Runs `body` on a parser over `text` (borrowed for the parse), with the space around the
    /// value skipped and nothing allowed after it.
    private static func borrowing<T>(_ text: [UInt8], _ body: (inout JSONParser) throws(Failure) -> T) throws(Failure) -> T {
        let result: Result<T, Failure> = text.withUnsafeBufferPointer { bytes in
            var parser = JSONParser(bytes: bytes)
            do throws(Failure) {
                parser.skipSpace()
                let value = try body(&parser)
                parser.skipSpace()
                guard parser.index == bytes.count else { throw Failure(offset: parser.index, reason: "text after the value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A top-level array of objects as their fields in order, without a dictionary per object
    /// (a 10,000-guest `/cluster/resources` spent most of its parse hashing keys); nil when the
    /// text is valid JSON of another shape. Values inside the fields are parsed as usual.
    static func parseRecords(_ text: [UInt8]) throws(Failure) -> [[(String, JSONValue)]]? {
        try borrowing(text) { parser throws(Failure) in try parser.records() }
    }

    /// The records of ``parseRecords(_:)``, or nil at the first element that is not an object
    /// (the rest is then left unread: the caller parses the whole document instead).
    private mutating func records() throws(Failure) -> [[(String, JSONValue)]]? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return giveUp() }
        index += 1
        var records: [[(String, JSONValue)]] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return records }
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of an array") }
            guard bytes[index] == UInt8(ascii: "{") else { return giveUp() }
            records.append(try objectPairs(depth: 1))
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return records }
            throw fail("expected ',' or ']'")
        }
    }

    /// Not a list of records: stop reading here, as if at the end.
    private mutating func giveUp() -> [[(String, JSONValue)]]? {
        index = bytes.count
        return nil
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth)") }
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else {
            throw fail("unknown literal")
        }
        index += expected.count
    }

    /// Pairs first, then one dictionary of the right size: growing a dictionary field by field
    /// rehashed it four or five times per object. A repeated key keeps its last value.
    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        .object(Dictionary(try objectPairs(depth: depth), uniquingKeysWith: { _, last in last }))
    }

    /// An object's fields in the order written.
    private mutating func objectPairs(depth: Int) throws(Failure) -> [(String, JSONValue)] {
        index += 1
        var pairs: [(String, JSONValue)] = []
        pairs.reserveCapacity(8)
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return pairs }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            pairs.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return pairs }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipSpace()
            elements.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        var high: UInt8 = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw fail("a control character in a string") }
            high |= bytes[index]
            index += 1
        }
        guard index < bytes.count else { throw fail("an unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            // No escapes: the bytes are the string. ASCII needs no validation (most of Proxmox's
            // output); anything else is validated as UTF-8.
            let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            if high < 0x80 { return String(decoding: text, as: UTF8.self) }
            guard let valid = String(validating: text, as: UTF8.self) else { throw Failure(offset: start, reason: "a string that is not UTF-8") }
            return valid
        }
        var utf8 = Array(bytes[start..<index])
        while bytes[index] != UInt8(ascii: "\"") {
            // bytes[index] is a backslash.
            index += 1
            guard index < bytes.count else { throw fail("an unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail("a lone high surrogate")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("a high surrogate without its low half") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("a lone low surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail("an invalid code point") }
                utf8 += Array(String(Character(unicode)).utf8)
            default:
                throw fail("an unknown escape")
            }
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                guard bytes[index] >= 0x20 else { throw fail("a control character in a string") }
                utf8.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else { throw fail("an unterminated string") }
        }
        index += 1
        guard let text = String(validating: utf8, as: UTF8.self) else { throw Failure(offset: start, reason: "a string that is not UTF-8") }
        return text
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("a short \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("a bad \\u escape")
            }
            value = value * 16 + digit
        }
        index += 4
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) { parser.index += 1 }
            return parser.index - from
        }
        let integerStart = index
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw fail("a number without digits") }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw fail("a number with a leading zero") }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw fail("a fraction without digits") }
            integral = false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw fail("an exponent without digits") }
            integral = false
        }
        if integral && integerDigits <= 18 {
            // Fits in Int64 whatever the digits: read it without making a string.
            var whole: Int64 = 0
            for byte in bytes[integerStart..<index] { whole = whole * 10 + Int64(byte - UInt8(ascii: "0")) }
            return .int(bytes[start] == UInt8(ascii: "-") ? -whole : whole)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let whole = Int64(text) { return .int(whole) }
        guard let number = Double(text), number.isFinite else { throw Failure(offset: start, reason: "a number out of range") }
        // As Foundation's decoder: an integral value that fits is an integer (`1.0`, `1e3`).
        if number.rounded() == number, abs(number) < 9.223372036854775e18 { return .int(Int64(number)) }
        return .double(number)
    }
}
