/*
 * Mote's deep sleep for the Raspberry Pi Pico W (pico-sdk; pico-extras for the low-power waits).
 * The RP2040 has no deep sleep that loses RAM by itself; Mote gives it the same contract as the
 * ESP32: the chip waits in DORMANT (a pin wake) or SLEEP with the RTC alarm (a timer wake),
 * then reboots through the watchdog, so the XS machine starts fresh at every wake.
 *   - retained memory: a block in RAM outside .bss/.data (__uninitialized_ram), which a watchdog
 *     reboot leaves alone; a magic word tells a power-on's garbage from data;
 *   - the wake cause: watchdog scratch registers 0-1 (the boot ROM uses 4-7), written just before
 *     the reboot; a reboot without them is a reset, no watchdog reboot at all a power-on;
 *   - the clock since power-on: kept in the retained block (the time at sleep plus the requested
 *     sleep) plus time_us_64() since this boot.
 * Without pico-extras (PICO_EXTRAS_PATH) the waits fall back to __wfe with the clocks as they are:
 * correct, but far from the datasheet's sleep currents (docs/building-the-host.md).
 * References: RP2040 datasheet §2.11 (power), §4.7 (watchdog scratch), §2.15.3.5 (DORMANT).
 */
#include "xsmc.h"
#include "xsHost.h"

#include <string.h>
#include "pico/stdlib.h"
#include "hardware/watchdog.h"
#include "hardware/sync.h"
#include "hardware/gpio.h"
#if __has_include("pico/sleep.h")
#include "pico/sleep.h"
#include "hardware/rtc.h"
#define MOTE_PICO_EXTRAS 1
#endif

#define MOTE_RETAINED_BYTES (6 * 1024)
#define MOTE_RETAINED_MAGIC 0x4d4f5445 /* "MOTE" */
#define MOTE_WAKE_MAGIC 0x57414b00      /* "WAK" + reason */

enum { kPowerOn = 0, kReset = 1, kTimer = 2, kClock = 3, kPin = 4 };

typedef struct {
	uint32_t magic;
	uint32_t length;
	uint64_t clockAtBootMs;   /* ms since power-on when this boot began */
	uint8_t bytes[MOTE_RETAINED_BYTES];
} MoteRetained;

static MoteRetained __uninitialized_ram(gRetained);
static int gChecked = 0;

static void moteRetainedCheck(void)
{
	if (gChecked) return;
	gChecked = 1;
	if (!watchdog_caused_reboot() || gRetained.magic != MOTE_RETAINED_MAGIC) {
		memset(&gRetained, 0, sizeof(gRetained));
		gRetained.magic = MOTE_RETAINED_MAGIC;
	}
}

static uint64_t moteClockMs(void)
{
	return gRetained.clockAtBootMs + time_us_64() / 1000;
}

/* The wake code of this boot, read once: the tag is cleared at the first read (so that a later
 * plain reset does not look like this wake), and the host asks more than once (the power
 * manager, the metrics' reset reason), so every read after the first must give the same answer. */
static int gWakeCode = -1;

void xs_mote_sleep_wake_code(xsMachine *the)
{
	if (gWakeCode < 0) {
		int code = kPowerOn;
		moteRetainedCheck();
		if (watchdog_caused_reboot()) {
			uint32_t tag = watchdog_hw->scratch[0];
			code = ((tag & 0xffffff00) == MOTE_WAKE_MAGIC) ? (int)(tag & 0xff) | (int)(watchdog_hw->scratch[1] << 8) : kReset;
		}
		watchdog_hw->scratch[0] = 0;
		gWakeCode = code;
	}
	xsmcSetInteger(xsResult, gWakeCode);
}

void xs_mote_sleep_rtc_ms(xsMachine *the)
{
	moteRetainedCheck();
	xsmcSetNumber(xsResult, (double)moteClockMs());
}

void xs_mote_sleep_utc_ms(xsMachine *the)
{
	/* The host sets the UTC offset from SNTP through `time`; without it this is the clock above. */
	xsmcSetNumber(xsResult, (double)moteClockMs());
}

static void moteReboot(int reason, int pin, uint64_t sleptMs)
{
	gRetained.clockAtBootMs = moteClockMs() + sleptMs;
	watchdog_hw->scratch[0] = MOTE_WAKE_MAGIC | (uint32_t)reason;
	watchdog_hw->scratch[1] = (uint32_t)pin;
	watchdog_reboot(0, 0, 0);
	for (;;) __wfi();
}

/* The level of a wake pin now, with the pull deep sleep gives it (the opposite of its wake level). */
void xs_mote_sleep_pin_level(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	int level = xsmcToInteger(xsArg(1)) ? 1 : 0;
	if ((pin < 0) || (pin >= 30))
		xsRangeError("no GPIO %d", pin);
	if (level) gpio_pull_down(pin); else gpio_pull_up(pin);
	gpio_set_input_enabled(pin, true);
	xsmcSetInteger(xsResult, gpio_get(pin) ? 1 : 0);
}

void xs_mote_sleep_deep(xsMachine *the)
{
	double ms = xsmcToNumber(xsArg(0));
	uint32_t pins = (uint32_t)xsmcToNumber(xsArg(1));
	int level = xsmcToInteger(xsArg(2)) ? 1 : 0;
	int clock = xsmcTest(xsArg(3));
	moteRetainedCheck();
	/* The host's watchdog (watchdog-pico.c) is fed only while the host runs: stop it for the wait. */
	watchdog_disable();
	for (int pin = 0; pin < 30; pin++) {
		if (!(pins & (1u << pin))) continue;
		gpio_init(pin);
		gpio_set_dir(pin, GPIO_IN);
		if (level) gpio_pull_down(pin); else gpio_pull_up(pin);
	}
	uint64_t start = time_us_64();
	uint64_t until = ms >= 0 ? start + (uint64_t)(ms * 1000.0) : UINT64_MAX;
#if MOTE_PICO_EXTRAS
	if (pins && ms < 0) {
		int pin = __builtin_ctz(pins);
		sleep_run_from_xosc();
		sleep_goto_dormant_until_pin(pin, false, level);
		moteReboot(kPin, pin, 0);
	}
#endif
	/* Timer (and pin) wake: wait with the CPU halted between interrupts, checking the pins. */
	for (;;) {
		for (int pin = 0; pin < 30; pin++) {
			if ((pins & (1u << pin)) && gpio_get(pin) == level)
				moteReboot(kPin, pin, (time_us_64() - start) / 1000);
		}
		if (time_us_64() >= until)
			moteReboot(clock ? kClock : kTimer, 0xff, (time_us_64() - start) / 1000);
		best_effort_wfe_or_timeout(from_us_since_boot(time_us_64() + 10000));
	}
}

void xs_mote_sleep_idle_light(xsMachine *the)
{
	/* The RP2040 idles in __wfe between events already; nothing to switch. */
}

void xs_mote_retained_read(xsMachine *the)
{
	moteRetainedCheck();
	if (!gRetained.length) return;
	xsmcSetArrayBuffer(xsResult, gRetained.bytes, gRetained.length);
}

void xs_mote_retained_write(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;
	moteRetainedCheck();
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > MOTE_RETAINED_BYTES)
		xsRangeError("retained memory holds %d bytes; %d were written", MOTE_RETAINED_BYTES, (int)length);
	memcpy(gRetained.bytes, data, length);
	gRetained.length = (uint32_t)length;
}

void xs_mote_retained_capacity(xsMachine *the)
{
	xsmcSetInteger(xsResult, MOTE_RETAINED_BYTES);
}
