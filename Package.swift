// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mcp-proxmox-admin",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mcp-proxmox-admin", targets: ["mcp-proxmox-admin"]),
        .executable(name: "pve-sim", targets: ["pve-sim"]),
        .executable(name: "mcp-proxmox-bench", targets: ["mcp-proxmox-bench"]),
        .library(name: "ProxmoxCore", targets: ["ProxmoxCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libssh2 from the system (Debian: libssh2-1-dev).
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        // C helpers: wrappers for libssh2's function-like macros and the socket callbacks
        // (TCP_QUICKACK, MSG_NOSIGNAL). A normal C target, because SwiftPM does not notice
        // edits to a system-library shim header.
        .target(name: "CSSHShim", dependencies: ["CLibSSH2"]),
        .target(
            name: "SSHClient",
            dependencies: ["CSSHShim", "CLibSSH2", .product(name: "Logging", package: "swift-log")]
        ),
        // zlib from the system (Debian: zlib1g-dev, which libssh2-1-dev depends on): the embedded
        // API schemas are stored compressed.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ProxmoxCore", dependencies: ["CZlib"]),
        .target(name: "PVESimulator", dependencies: ["ProxmoxCore"]),
        .target(
            name: "ProxmoxMCP",
            dependencies: [
                "ProxmoxCore", "SSHClient", "PVESimulator",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mcp-proxmox-admin",
            dependencies: [
                "ProxmoxMCP", "SSHClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "pve-sim", dependencies: ["PVESimulator"]),
        // The host-side guard on its own: the same code as `mcp-proxmox-admin guard`, without the MCP
        // server linked in (it starts for every command of a guarded key).
        .executableTarget(name: "mcp-proxmox-guard", dependencies: ["ProxmoxCore"]),
        // The benchmark: a real sshd with pve-sim behind it, measured from raw libssh2 up to MCP.
        .executableTarget(
            name: "mcp-proxmox-bench",
            dependencies: ["SSHClient", "ProxmoxCore", "ProxmoxMCP", "PVESimulator", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .target(name: "TestSupport", dependencies: ["ProxmoxCore"], path: "Tests/TestSupport"),
        .testTarget(name: "ProxmoxCoreTests", dependencies: ["ProxmoxCore", "TestSupport"]),
        .testTarget(name: "PVESimulatorTests", dependencies: ["PVESimulator", "ProxmoxCore", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SSHClient", "ProxmoxCore", "ProxmoxMCP", "TestSupport",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
