/*
 * The RP2040 hardware watchdog for Mote's `platform/watchdog` (host/native/watchdog.js).
 *   - arm(ms): watchdog_enable(ms, pause_on_debug) (RP2040 datasheet §4.7; at most 8,388 ms
 *     because of erratum RP2040-E1, which the SDK compensates by loading twice the count);
 *   - feed(): watchdog_update(), from the host's loop (a turn that never ends never feeds);
 *   - record(mod): the mod whose code runs now, in a RAM block outside .bss/.data
 *     (__uninitialized_ram) that a watchdog reset leaves alone; "" when the host is idle;
 *   - lastReset(): after a reset the watchdog timer caused (watchdog_enable_caused_reboot: the
 *     reason register says TIMER and scratch[4] holds the SDK's non-reboot magic, unlike the
 *     watchdog_reboot of sleep-pico.c), the mod recorded at that moment, once per boot.
 * The record is copied at the first call of any function here, before the new boot changes it.
 */
#include "xsmc.h"
#include "xsHost.h"

#include <string.h>
#include "hardware/watchdog.h"

#define MOTE_WATCHDOG_MAGIC 0x4d574454 /* "MWDT" */
#define MOTE_MOD_ID_BYTES 33            /* a mod id is at most 32 characters (permissions/manifest) */
#define MOTE_WATCHDOG_MAX_MS 8388

typedef struct {
	uint32_t magic;
	uint32_t check;                 /* ~magic ^ length: garbage after a power-on rarely passes */
	uint32_t length;
	char mod[MOTE_MOD_ID_BYTES];
} MoteWatchdogRecord;

static MoteWatchdogRecord __uninitialized_ram(gWatchdogRecord);

enum { kNotRead = 0, kNone = 1, kWatchdog = 2 };
static int gBootState = kNotRead;
static char gBootMod[MOTE_MOD_ID_BYTES];

static int moteRecordValid(void)
{
	return gWatchdogRecord.magic == MOTE_WATCHDOG_MAGIC && gWatchdogRecord.length < MOTE_MOD_ID_BYTES
		&& gWatchdogRecord.check == (~MOTE_WATCHDOG_MAGIC ^ gWatchdogRecord.length);
}

static void moteWatchdogBoot(void)
{
	if (gBootState != kNotRead) return;
	gBootState = kNone;
	gBootMod[0] = 0;
	if (watchdog_enable_caused_reboot()) {
		gBootState = kWatchdog;
		if (moteRecordValid()) {
			memcpy(gBootMod, gWatchdogRecord.mod, gWatchdogRecord.length);
			gBootMod[gWatchdogRecord.length] = 0;
		}
	}
	memset(&gWatchdogRecord, 0, sizeof(gWatchdogRecord));
	gWatchdogRecord.magic = MOTE_WATCHDOG_MAGIC;
	gWatchdogRecord.check = ~MOTE_WATCHDOG_MAGIC;
}

void xs_mote_watchdog_arm(xsMachine *the)
{
	int ms = xsmcToInteger(xsArg(0));
	moteWatchdogBoot();
	if (ms <= 0 || ms > MOTE_WATCHDOG_MAX_MS)
		xsRangeError("the RP2040 watchdog's timeout is 1-%d ms, got %d", MOTE_WATCHDOG_MAX_MS, ms);
	watchdog_enable((uint32_t)ms, true);
}

void xs_mote_watchdog_feed(xsMachine *the)
{
	watchdog_update();
}

void xs_mote_watchdog_record(xsMachine *the)
{
	const char *mod = xsmcToString(xsArg(0));
	size_t length = strlen(mod);
	moteWatchdogBoot();
	if (length >= MOTE_MOD_ID_BYTES) length = MOTE_MOD_ID_BYTES - 1;
	/* Invalidate, write, then validate: a reset in between leaves no half-written name. */
	gWatchdogRecord.check = 0;
	memcpy(gWatchdogRecord.mod, mod, length);
	gWatchdogRecord.length = (uint32_t)length;
	gWatchdogRecord.check = ~MOTE_WATCHDOG_MAGIC ^ (uint32_t)length;
}

void xs_mote_watchdog_last_reset(xsMachine *the)
{
	moteWatchdogBoot();
	if (gBootState != kWatchdog) return;
	gBootState = kNone;
	xsmcSetString(xsResult, gBootMod);
}
