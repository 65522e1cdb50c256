#ifndef CSSHSHIM_H
#define CSSHSHIM_H

#include <libssh2.h>
#include <stddef.h>
#include <sys/types.h>

/// Installs recv/send callbacks on a session: recv re-arms TCP_QUICKACK after every read
/// (removes the 40 ms delayed-ACK stall on the first channel), send passes MSG_NOSIGNAL
/// (a dead peer must not raise SIGPIPE).
void pmx_install_socket_callbacks(LIBSSH2_SESSION *session);

/// Bytes received by sessions driven by the calling thread, ever. A change between two points
/// means libssh2 buffered new packets, which may belong to any channel.
unsigned long long pmx_bytes_received_on_this_thread(void);

/// `libssh2_session_init()` is a macro; Swift cannot call it.
LIBSSH2_SESSION *pmx_session_init(void);

/// `libssh2_channel_open_session()` is a macro.
LIBSSH2_CHANNEL *pmx_channel_open_session(LIBSSH2_SESSION *session);

/// `libssh2_channel_exec()` is a macro.
int pmx_channel_exec(LIBSSH2_CHANNEL *channel, const char *command);

/// Reads from stream 0 (stdout) or 1 (stderr).
ssize_t pmx_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length);

/// Checks the session's host key against an OpenSSH known_hosts file (plain, hashed and
/// `[host]:port` entries). Returns one of LIBSSH2_KNOWNHOST_CHECK_MATCH (0), _MISMATCH (1),
/// _NOTFOUND (2), _FAILURE (3); `read_result` receives the number of entries read, or a
/// negative libssh2 error when the file could not be read.
/// On a mismatch, the known key (base64, as in the file) is copied to `known_key` (NUL-terminated).
int pmx_check_known_host(LIBSSH2_SESSION *session, const char *known_hosts_path,
                         const char *host, int port, int *read_result, char *known_key, size_t known_key_size);

/// The key type name as written in known_hosts (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...).
const char *pmx_hostkey_type_name(int libssh2_hostkey_type);

/// The libssh2 version at run time (not the header's).
const char *pmx_libssh2_version(void);

/// malloc_trim(0) where glibc has it (gives freed heap memory back to the system); 0 elsewhere.
int pmx_release_free_memory(void);

/// Sets glibc's mmap threshold (M_MMAP_THRESHOLD), which also turns off its dynamic growth.
int pmx_fix_mmap_threshold(int bytes);

/// poll(2) POLLRDHUP (peer closed its end), which glibc shows only with _GNU_SOURCE.
#define PMX_POLLRDHUP 0x2000

#endif
