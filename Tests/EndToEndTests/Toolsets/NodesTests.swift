import Testing

@Suite struct NodesTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_node_list", [:], both: ["pvesh get /nodes --output-format json"]),
        GoldenRow("proxmox_node_status", ["node": "PVE2"], both: ["pvesh get /nodes/pve2/status --output-format json"]),
        GoldenRow("proxmox_cluster_status", [:], both: ["pvesh get /cluster/status --output-format json"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }
}
