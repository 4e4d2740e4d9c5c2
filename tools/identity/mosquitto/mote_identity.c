/*
 * Mote's identity plugin for Mosquitto 2.0 (plugin interface version 5; docs/identity.md).
 * What Mosquitto's own password file cannot do:
 *   - a device's login is bound to its client id (username = client id = device id);
 *   - two passwords per device during a rotation (the confirmed one and the pending one), so a
 *     device asleep during the rotation still gets in with the old one;
 *   - one live session per id: a second CONNECT for an id that is online is refused (CONNACK 5)
 *     instead of taking the session over, and a retained alert goes to
 *     mote/fleet/identity/<id>/clone.
 * Topic rights stay with Mosquitto's acl_file (`pattern readwrite mote/v1/%u/#`).
 * The passwords file (plugin_opt_passwords), written by tools/identity/mosquitto.ts from the
 * fleet's registry, one login per line: "<user> <device|operator> <salt> <sha256 hex>", where the
 * hash is SHA-256(salt || 0x00 || password). Read again on SIGHUP (MOSQ_EVT_RELOAD).
 * Build: cc -shared -fPIC -o mote_identity.so mote_identity.c -lcrypto
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <openssl/evp.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define NAME_MAX_LEN 64

struct login { char user[NAME_MAX_LEN + 1]; bool operator_; char salt[65]; char hash[65]; };
struct session { char id[NAME_MAX_LEN + 1]; const struct mosquitto *client; long long since_ms; };

static mosquitto_plugin_id_t *plugin_id;
static char *passwords_path;
static struct login *logins;
static int login_count;
static struct session *sessions;
static int session_count, session_capacity;

static long long now_ms(void) {
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int load_logins(void) {
	FILE *file = fopen(passwords_path, "r");
	if (!file) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "mote_identity: cannot read passwords file %s", passwords_path);
		return MOSQ_ERR_UNKNOWN;
	}
	struct login *next = NULL;
	int count = 0;
	char line[512], role[16];
	while (fgets(line, sizeof line, file)) {
		struct login entry;
		if (line[0] == '#' || line[0] == '\n') continue;
		if (sscanf(line, "%64s %15s %64s %64s", entry.user, role, entry.salt, entry.hash) != 4) continue;
		entry.operator_ = strcmp(role, "operator") == 0;
		struct login *grown = realloc(next, sizeof(struct login) * (count + 1));
		if (!grown) { free(next); fclose(file); return MOSQ_ERR_NOMEM; }
		next = grown;
		next[count++] = entry;
	}
	fclose(file);
	free(logins);
	logins = next;
	login_count = count;
	return MOSQ_ERR_SUCCESS;
}

static void sha256_hex(const char *salt, const char *password, char out[65]) {
	unsigned char digest[32];
	unsigned int length = 0;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	EVP_DigestInit_ex(context, EVP_sha256(), NULL);
	EVP_DigestUpdate(context, salt, strlen(salt));
	EVP_DigestUpdate(context, "", 1);
	EVP_DigestUpdate(context, password, strlen(password));
	EVP_DigestFinal_ex(context, digest, &length);
	EVP_MD_CTX_free(context);
	for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", digest[i]);
}

/* Constant time over the 64 hex digits. */
static bool same_hash(const char *a, const char *b) {
	unsigned char diff = 0;
	for (int i = 0; i < 64; i++) diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0 && strlen(a) == 64 && strlen(b) == 64;
}

static const struct login *find_login(const char *user, const char *password) {
	char hash[65];
	for (int i = 0; i < login_count; i++) {
		if (strcmp(logins[i].user, user)) continue;
		sha256_hex(logins[i].salt, password, hash);
		if (same_hash(hash, logins[i].hash)) return &logins[i];
	}
	return NULL;
}

static struct session *find_session(const char *id) {
	for (int i = 0; i < session_count; i++) if (!strcmp(sessions[i].id, id)) return &sessions[i];
	return NULL;
}

static void alert_clone(const char *id, const struct session *online, const struct mosquitto *refused) {
	char topic[128], payload[512];
	const char *online_address = mosquitto_client_address(online->client), *refused_address = mosquitto_client_address(refused);
	snprintf(topic, sizeof topic, "mote/fleet/identity/%s/clone", id);
	int length = snprintf(payload, sizeof payload,
		"{\"v\":1,\"id\":\"%s\",\"ts\":%lld,\"reason\":\"a second device logged in as %s while it was online; refused\","
		"\"online\":{\"address\":\"%s\",\"since\":%lld},\"refused\":{\"address\":\"%s\"}}",
		id, now_ms(), id, online_address ? online_address : "", online->since_ms, refused_address ? refused_address : "");
	mosquitto_broker_publish_copy(NULL, topic, length, payload, 1, true, NULL);
	mosquitto_log_printf(MOSQ_LOG_WARNING, "mote_identity: refused a second session for %s from %s", id, refused_address ? refused_address : "?");
}

static int on_basic_auth(int event, void *event_data, void *userdata) {
	struct mosquitto_evt_basic_auth *auth = event_data;
	(void)event; (void)userdata;
	const char *id = mosquitto_client_id(auth->client);
	if (!auth->username || !auth->password || !id) return MOSQ_ERR_AUTH;
	const struct login *login = find_login(auth->username, auth->password);
	if (!login) return MOSQ_ERR_AUTH;
	if (login->operator_) return MOSQ_ERR_SUCCESS;
	if (strcmp(id, auth->username)) {
		mosquitto_log_printf(MOSQ_LOG_WARNING, "mote_identity: %s's login is bound to client id %s, not %s", auth->username, auth->username, id);
		return MOSQ_ERR_AUTH;
	}
	struct session *online = find_session(id);
	if (online && online->client != auth->client) {
		alert_clone(id, online, auth->client);
		return MOSQ_ERR_AUTH;
	}
	if (!online) {
		if (session_count == session_capacity) {
			int capacity = session_capacity ? session_capacity * 2 : 64;
			struct session *grown = realloc(sessions, sizeof(struct session) * capacity);
			if (!grown) return MOSQ_ERR_NOMEM;
			sessions = grown;
			session_capacity = capacity;
		}
		online = &sessions[session_count++];
		snprintf(online->id, sizeof online->id, "%s", id);
	}
	online->client = auth->client;
	online->since_ms = now_ms();
	return MOSQ_ERR_SUCCESS;
}

static int on_disconnect(int event, void *event_data, void *userdata) {
	struct mosquitto_evt_disconnect *gone = event_data;
	(void)event; (void)userdata;
	for (int i = 0; i < session_count; i++) {
		if (sessions[i].client != gone->client) continue;
		sessions[i] = sessions[--session_count];
		break;
	}
	return MOSQ_ERR_SUCCESS;
}

static int on_reload(int event, void *event_data, void *userdata) {
	(void)event; (void)event_data; (void)userdata;
	return load_logins();
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions) {
	for (int i = 0; i < supported_version_count; i++) if (supported_versions[i] == 5) return 5;
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options, int option_count) {
	(void)userdata;
	plugin_id = identifier;
	for (int i = 0; i < option_count; i++) if (!strcmp(options[i].key, "passwords")) passwords_path = strdup(options[i].value);
	if (!passwords_path) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "mote_identity: set plugin_opt_passwords to the passwords file");
		return MOSQ_ERR_INVAL;
	}
	int rc = load_logins();
	if (rc) return rc;
	mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
	mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL);
	mosquitto_callback_register(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL, NULL);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count) {
	(void)userdata; (void)options; (void)option_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL);
	free(logins); free(sessions); free(passwords_path);
	logins = NULL; sessions = NULL; passwords_path = NULL;
	login_count = session_count = session_capacity = 0;
	return MOSQ_ERR_SUCCESS;
}
