/*
 * Mote's deep sleep for ESP32 (ESP-IDF 5.x, as used by the Moddable SDK 8):
 *   - wake sources: the RTC timer (esp_sleep_enable_timer_wakeup), one pin (ext0) or several
 *     (ext1, RTC GPIOs only: 0, 2, 4, 12-15, 25-27, 32-39), with the RTC pull holding each pin
 *     away from its wake level;
 *   - the wake cause (esp_sleep_get_wakeup_cause, esp_reset_reason);
 *   - retained memory: a block in RTC slow memory (RTC_NOINIT_ATTR) that survives deep sleep and
 *     software resets; a magic word tells a power-on's garbage from data;
 *   - a clock since power-on that counts through deep sleep: the system time, which the RTC timer
 *     keeps through deep sleep (ESP-IDF "System Time"), minus its value at power-on;
 *   - light sleep between events: esp_pm_configure(light_sleep_enable), which needs
 *     CONFIG_PM_ENABLE and CONFIG_FREERTOS_USE_TICKLESS_IDLE (docs/building-the-host.md).
 * References: ESP-IDF API reference "Sleep Modes" and "Power Management"; ESP32 TRM §31 (RTC).
 */
#include "xsmc.h"
#include "xsHost.h"

#include <string.h>
#include <sys/time.h>
#include "esp_attr.h"
#include "esp_sleep.h"
#include "esp_system.h"
#include "esp_pm.h"
#include "driver/rtc_io.h"
#include "driver/gpio.h"

#define MOTE_RETAINED_BYTES (6 * 1024)
#define MOTE_RETAINED_MAGIC 0x4d4f5445 /* "MOTE" */

enum { kPowerOn = 0, kReset = 1, kTimer = 2, kClock = 3, kPin = 4 };

typedef struct {
	uint32_t magic;
	uint32_t length;
	int64_t powerOnUs;    /* system time at power-on */
	uint8_t clockWake;    /* the pending timer wake was set for a time of day */
	int8_t ext0Pin;       /* the single wake pin, or -1 */
	uint8_t bytes[MOTE_RETAINED_BYTES];
} MoteRetained;

static RTC_NOINIT_ATTR MoteRetained gRetained;

static int64_t nowUs(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* A power-on (or brown-out) leaves RTC memory undefined: start a new block. */
static void moteRetainedCheck(void)
{
	esp_reset_reason_t reset = esp_reset_reason();
	if (gRetained.magic != MOTE_RETAINED_MAGIC || reset == ESP_RST_POWERON || reset == ESP_RST_BROWNOUT) {
		memset(&gRetained, 0, sizeof(gRetained));
		gRetained.magic = MOTE_RETAINED_MAGIC;
		gRetained.powerOnUs = nowUs();
		gRetained.ext0Pin = -1;
	}
}

void xs_mote_sleep_wake_code(xsMachine *the)
{
	esp_reset_reason_t reset = esp_reset_reason();
	int code;
	moteRetainedCheck();
	switch (esp_sleep_get_wakeup_cause()) {
	case ESP_SLEEP_WAKEUP_TIMER:
		code = gRetained.clockWake ? kClock : kTimer;
		break;
	case ESP_SLEEP_WAKEUP_EXT0:
		code = kPin | ((gRetained.ext0Pin & 0xff) << 8);
		break;
	case ESP_SLEEP_WAKEUP_EXT1: {
		uint64_t mask = esp_sleep_get_ext1_wakeup_status();
		code = kPin | ((mask ? __builtin_ctzll(mask) : 0xff) << 8);
		} break;
	default:
		code = (reset == ESP_RST_POWERON || reset == ESP_RST_BROWNOUT) ? kPowerOn : kReset;
		break;
	}
	xsmcSetInteger(xsResult, code);
}

void xs_mote_sleep_rtc_ms(xsMachine *the)
{
	moteRetainedCheck();
	xsmcSetNumber(xsResult, (double)(nowUs() - gRetained.powerOnUs) / 1000.0);
}

void xs_mote_sleep_utc_ms(xsMachine *the)
{
	xsmcSetNumber(xsResult, (double)nowUs() / 1000.0);
}

/* The level of a wake pin now, with the pull deep sleep gives it (the opposite of its wake level):
   ext0/ext1 wake on a level, so a pin already there would wake the chip at once. */
void xs_mote_sleep_pin_level(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	int level = xsmcToInteger(xsArg(1)) ? 1 : 0;
	if ((pin < 0) || (pin >= GPIO_NUM_MAX))
		xsRangeError("no GPIO %d", pin);
	gpio_input_enable(pin);
	gpio_set_pull_mode(pin, level ? GPIO_PULLDOWN_ONLY : GPIO_PULLUP_ONLY);
	xsmcSetInteger(xsResult, gpio_get_level(pin));
}

void xs_mote_sleep_deep(xsMachine *the)
{
	double ms = xsmcToNumber(xsArg(0));
	uint64_t pins = (uint64_t)xsmcToNumber(xsArg(1));
	int level = xsmcToInteger(xsArg(2)) ? 1 : 0;
	moteRetainedCheck();
	gRetained.clockWake = xsmcTest(xsArg(3)) ? 1 : 0;
	gRetained.ext0Pin = -1;
	if (ms >= 0)
		esp_sleep_enable_timer_wakeup((uint64_t)(ms * 1000.0));
	if (pins) {
		for (int pin = 0; pin < 40; pin++) {
			if (!(pins & (1ULL << pin))) continue;
			if (!rtc_gpio_is_valid_gpio(pin))
				xsRangeError("GPIO %d cannot wake the ESP32 from deep sleep (RTC GPIOs only: 0, 2, 4, 12-15, 25-27, 32-39)", pin);
			rtc_gpio_init(pin);
			rtc_gpio_set_direction(pin, RTC_GPIO_MODE_INPUT_ONLY);
			if (level) { rtc_gpio_pulldown_en(pin); rtc_gpio_pullup_dis(pin); }
			else { rtc_gpio_pullup_en(pin); rtc_gpio_pulldown_dis(pin); }
		}
		/* Keep the RTC peripherals powered so the pulls hold. */
		esp_sleep_pd_config(ESP_PD_DOMAIN_RTC_PERIPH, ESP_PD_OPTION_ON);
		if ((pins & (pins - 1)) == 0) {
			int pin = __builtin_ctzll(pins);
			gRetained.ext0Pin = (int8_t)pin;
			esp_sleep_enable_ext0_wakeup(pin, level);
		}
		else
			esp_sleep_enable_ext1_wakeup(pins, level ? ESP_EXT1_WAKEUP_ANY_HIGH : ESP_EXT1_WAKEUP_ALL_LOW);
	}
	esp_deep_sleep_start(); /* does not return */
}

void xs_mote_sleep_idle_light(xsMachine *the)
{
#if CONFIG_PM_ENABLE
	esp_pm_config_t config = {
		.max_freq_mhz = CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ,
		.min_freq_mhz = 40,
		.light_sleep_enable = xsmcTest(xsArg(0)),
	};
	esp_pm_configure(&config);
#endif
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
