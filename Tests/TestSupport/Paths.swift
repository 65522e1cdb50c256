import Foundation

/// Locations the tests need, derived from this file's place in the package.
public enum Paths {
    /// The package root (…/Tests/TestSupport/Paths.swift → …).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `Fixtures/`.
    public static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// The bytes of a fixture.
    public static func fixtureBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixture(name)))
    }

    /// Where `swift build` put the executables: `MCP_PROXMOX_BIN_DIR` when set (the test script
    /// passes `swift build --show-bin-path`), else `.build/debug`.
    public static var binaryDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["MCP_PROXMOX_BIN_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    /// A built executable, checked to exist so a missing build fails with a clear message.
    public static func binary(_ name: String) throws -> String {
        let path = binaryDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError("\(path) is missing: run `swift build` before `swift test` (scripts/test.sh does)")
        }
        return path
    }
}

/// The test environment could not be prepared.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
