#include "CSSHShim.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

int pmx_fix_mmap_threshold(int bytes) {
#ifdef __GLIBC__
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    return 0;
#endif
}

int pmx_release_free_memory(void) {
#ifdef __GLIBC__
    return malloc_trim(0);
#else
    return 0;
#endif
}

// Each session is driven by exactly one thread, so a per-thread counter tells that thread whether
// libssh2 took in new packets while it served some other channel.
static __thread unsigned long long pmx_received = 0;

unsigned long long pmx_bytes_received_on_this_thread(void) {
    return pmx_received;
}

static ssize_t pmx_recv(libssh2_socket_t fd, void *buffer, size_t length, int flags, void **abstract) {
    (void)abstract;
    ssize_t got = recv(fd, buffer, length, flags);
    if (got < 0) {
        return -errno;
    }
#ifdef TCP_QUICKACK
    // Linux clears QUICKACK after a while; set it again after each receive.
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#endif
    pmx_received += (unsigned long long)got;
    return got;
}

static ssize_t pmx_send(libssh2_socket_t fd, const void *buffer, size_t length, int flags, void **abstract) {
    (void)abstract;
#ifdef MSG_NOSIGNAL
    flags |= MSG_NOSIGNAL;
#endif
    ssize_t sent = send(fd, buffer, length, flags);
    if (sent < 0) {
        return -errno;
    }
    return sent;
}

void pmx_install_socket_callbacks(LIBSSH2_SESSION *session) {
    libssh2_session_callback_set(session, LIBSSH2_CALLBACK_RECV, (void *)pmx_recv);
    libssh2_session_callback_set(session, LIBSSH2_CALLBACK_SEND, (void *)pmx_send);
}

LIBSSH2_SESSION *pmx_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

LIBSSH2_CHANNEL *pmx_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT,
                                   NULL, 0);
}

int pmx_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command,
                                           (unsigned int)strlen(command));
}

ssize_t pmx_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

static int pmx_knownhost_key_bit(int hostkey_type) {
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
#endif
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

const char *pmx_hostkey_type_name(int hostkey_type) {
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return "ssh-rsa";
    case LIBSSH2_HOSTKEY_TYPE_DSS: return "ssh-dss";
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ecdsa-sha2-nistp256";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ecdsa-sha2-nistp384";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ecdsa-sha2-nistp521";
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ssh-ed25519";
#endif
    default: return "unknown";
    }
}

int pmx_check_known_host(LIBSSH2_SESSION *session, const char *known_hosts_path,
                         const char *host, int port, int *read_result, char *known_key, size_t known_key_size) {
    if (known_key_size > 0) known_key[0] = 0;
    size_t key_length = 0;
    int key_type = 0;
    const char *key = libssh2_session_hostkey(session, &key_length, &key_type);
    if (key == NULL) {
        *read_result = 0;
        return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    }
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(session);
    if (hosts == NULL) {
        *read_result = 0;
        return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    }
    *read_result = libssh2_knownhost_readfile(hosts, known_hosts_path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    int result;
    if (*read_result < 0) {
        result = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    } else {
        struct libssh2_knownhost *found = NULL;
        int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | pmx_knownhost_key_bit(key_type);
        result = libssh2_knownhost_checkp(hosts, host, port, key, key_length, mask, &found);
        if (result == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && found != NULL && found->key != NULL && known_key_size > 0) {
            strncpy(known_key, found->key, known_key_size - 1);
            known_key[known_key_size - 1] = 0;
        }
    }
    libssh2_knownhost_free(hosts);
    return result;
}

const char *pmx_libssh2_version(void) {
    return libssh2_version(0);
}
