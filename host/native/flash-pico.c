/*
 * Moddable's `flash` module ($MODDABLE/modules/files/flash/flash.js: constructor(name), erase,
 * read, readString, write, map, byteLength, blockSize) for the Raspberry Pi Pico, over the
 * pico-sdk flash API. The SDK ships it for ESP32 only; Mote's mod slots ("xs"), outbox
 * ("outbox") and storage ("storage") need it on the Pico too.
 *
 * Partitions are fixed ranges of the 2 MB QSPI flash declared in host/native/manifest_pico.json
 * (defines.mote.flash.<name>.offset/size -> MODDEF_MOTE_FLASH_<NAME>_OFFSET/_SIZE), each 4 KB
 * aligned, after the firmware image and clear of the SDK's preference sectors (_MODPREF_start,
 * 0x1F8000-0x1F9FFF in build/devices/pico/config/xsproj_rp2040.ld). Opening a partition checks
 * that the running firmware ends before the first partition (a firmware that grew over them
 * would be erased by the first install).
 *
 * Erase and program (pico-sdk hardware_flash, RP2040 datasheet §4.10 / §2.6.3): while they run
 * the flash is out of XIP mode, so no code may execute from flash: interrupts are off
 * (save_and_disable_interrupts), flash_range_erase/flash_range_program themselves run from RAM,
 * and so do the helpers below (__no_inline_not_in_flash_func). Core 1 is not started by the Moddable
 * runtime (it waits in the boot ROM), so no lockout is needed. Programming is in 256-byte pages;
 * a partial page is padded with 0xFF, which NOR programming leaves unchanged (it only clears bits).
 * The SDK flushes the XIP cache after each operation; reads go through the uncached alias
 * (XIP_NOCACHE_NOALLOC_BASE) anyway, so a data read never evicts code from the 16 KB cache.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.defines.h"

#include <string.h>
#include "hardware/flash.h"
#include "hardware/sync.h"
#include "hardware/regs/addressmap.h"
#include "pico/platform.h"

#define MOTE_FLASH_BYTES (2 * 1024 * 1024)
#define MOTE_PREFERENCE_START 0x1F8000
#define MOTE_PREFERENCE_END 0x1FA000

typedef struct {
	const char *name;
	uint32_t offset;
	uint32_t size;
} MotePartition;

static const MotePartition gPartitions[] = {
	{ "xs", MODDEF_MOTE_FLASH_XS_OFFSET, MODDEF_MOTE_FLASH_XS_SIZE },
	{ "outbox", MODDEF_MOTE_FLASH_OUTBOX_OFFSET, MODDEF_MOTE_FLASH_OUTBOX_SIZE },
	{ "storage", MODDEF_MOTE_FLASH_STORAGE_OFFSET, MODDEF_MOTE_FLASH_STORAGE_SIZE },
};
#define MOTE_PARTITIONS (sizeof(gPartitions) / sizeof(gPartitions[0]))

/* The layout is checked when the firmware is compiled: a bad manifest does not build. */
#define MOTE_CHECK_PARTITION(NAME) \
	_Static_assert((MODDEF_MOTE_FLASH_##NAME##_OFFSET % FLASH_SECTOR_SIZE) == 0 && (MODDEF_MOTE_FLASH_##NAME##_SIZE % FLASH_SECTOR_SIZE) == 0 && MODDEF_MOTE_FLASH_##NAME##_SIZE > 0, \
		"mote.flash." #NAME ": offset and size must be non-zero multiples of 4096"); \
	_Static_assert(MODDEF_MOTE_FLASH_##NAME##_OFFSET + MODDEF_MOTE_FLASH_##NAME##_SIZE <= MOTE_FLASH_BYTES, "mote.flash." #NAME " ends past the 2 MB flash"); \
	_Static_assert(MODDEF_MOTE_FLASH_##NAME##_OFFSET >= MOTE_PREFERENCE_END || MODDEF_MOTE_FLASH_##NAME##_OFFSET + MODDEF_MOTE_FLASH_##NAME##_SIZE <= MOTE_PREFERENCE_START, \
		"mote.flash." #NAME " overlaps the preference sectors at 0x1F8000-0x1F9FFF")
MOTE_CHECK_PARTITION(XS);
MOTE_CHECK_PARTITION(OUTBOX);
MOTE_CHECK_PARTITION(STORAGE);
#define MOTE_DISJOINT(A, B) \
	_Static_assert(MODDEF_MOTE_FLASH_##A##_OFFSET + MODDEF_MOTE_FLASH_##A##_SIZE <= MODDEF_MOTE_FLASH_##B##_OFFSET || MODDEF_MOTE_FLASH_##B##_OFFSET + MODDEF_MOTE_FLASH_##B##_SIZE <= MODDEF_MOTE_FLASH_##A##_OFFSET, \
		"mote.flash." #A " and mote.flash." #B " overlap")
MOTE_DISJOINT(XS, OUTBOX);
MOTE_DISJOINT(XS, STORAGE);
MOTE_DISJOINT(OUTBOX, STORAGE);

typedef struct {
	uint32_t offset;
	uint32_t size;
} MoteFlashRecord;

extern char __flash_binary_end;

/* The firmware's last byte in flash, as an offset; the boot check and `mote firmware image` use it. */
static uint32_t moteFirmwareEnd(void)
{
	return (uint32_t)((uintptr_t)&__flash_binary_end - XIP_BASE);
}

static void __no_inline_not_in_flash_func(moteErase)(uint32_t offset, uint32_t size)
{
	uint32_t status = save_and_disable_interrupts();
	flash_range_erase(offset, size);
	restore_interrupts(status);
}

static void __no_inline_not_in_flash_func(moteProgram)(uint32_t offset, const uint8_t *data, uint32_t size)
{
	uint32_t status = save_and_disable_interrupts();
	flash_range_program(offset, data, size);
	restore_interrupts(status);
}

void xs_flash(xsMachine *the)
{
	const char *name = xsmcToString(xsArg(0));
	uint32_t lowest = MOTE_FLASH_BYTES;
	const MotePartition *found = NULL;
	for (unsigned i = 0; i < MOTE_PARTITIONS; i++) {
		if (gPartitions[i].offset < lowest) lowest = gPartitions[i].offset;
		if (!strcmp(gPartitions[i].name, name)) found = &gPartitions[i];
	}
	if (!found)
		xsUnknownError("no flash partition \"%s\" on the Pico; Mote's partitions are xs, outbox and storage (host/native/manifest_pico.json)", name);
	if (moteFirmwareEnd() > lowest)
		xsUnknownError("the firmware ends at flash offset 0x%x, past the first partition at 0x%x: move mote.flash in host/native/manifest_pico.json after the firmware", (unsigned)moteFirmwareEnd(), (unsigned)lowest);
	MoteFlashRecord record = { found->offset, found->size };
	xsmcSetHostChunk(xsThis, &record, sizeof(record));
}

void xs_flash_destructor(void *data)
{
	(void)data;
}

static MoteFlashRecord *moteFlashRecord(xsMachine *the)
{
	return xsmcGetHostChunkValidate(xsThis, xs_flash_destructor);
}

/* A byte range inside the partition, or a RangeError naming it. */
static void moteCheckRange(xsMachine *the, MoteFlashRecord *record, int offset, int byteLength, const char *what)
{
	if (offset < 0 || byteLength < 0 || (uint32_t)offset > record->size || (uint32_t)byteLength > record->size - (uint32_t)offset)
		xsRangeError("flash %s of %d bytes at %d is outside the %u-byte partition", what, byteLength, offset, (unsigned)record->size);
}

void xs_flash_erase(xsMachine *the)
{
	MoteFlashRecord *record = moteFlashRecord(the);
	int sector = xsmcToInteger(xsArg(0));
	if (sector < 0 || (uint32_t)sector >= record->size / FLASH_SECTOR_SIZE)
		xsRangeError("flash erase: sector %d is outside the partition's %u sectors", sector, (unsigned)(record->size / FLASH_SECTOR_SIZE));
	moteErase(record->offset + (uint32_t)sector * FLASH_SECTOR_SIZE, FLASH_SECTOR_SIZE);
}

void xs_flash_read(xsMachine *the)
{
	MoteFlashRecord *record = moteFlashRecord(the);
	int offset = xsmcToInteger(xsArg(0));
	int byteLength = xsmcToInteger(xsArg(1));
	moteCheckRange(the, record, offset, byteLength, "read");
	xsmcSetArrayBuffer(xsResult, (void *)(XIP_NOCACHE_NOALLOC_BASE + record->offset + (uint32_t)offset), byteLength);
}

void xs_flash_readString(xsMachine *the)
{
	MoteFlashRecord *record = moteFlashRecord(the);
	int offset = xsmcToInteger(xsArg(0));
	int byteLength = xsmcToInteger(xsArg(1));
	moteCheckRange(the, record, offset, byteLength, "read");
	xsResult = xsStringBuffer(NULL, byteLength);
	memcpy(xsmcToString(xsResult), (void *)(XIP_NOCACHE_NOALLOC_BASE + record->offset + (uint32_t)offset), byteLength);
}

void xs_flash_write(xsMachine *the)
{
	MoteFlashRecord *record = moteFlashRecord(the);
	int offset = xsmcToInteger(xsArg(0));
	int byteLength = xsmcToInteger(xsArg(1));
	void *buffer;
	xsUnsignedValue bufferLength;
	uint8_t page[FLASH_PAGE_SIZE] __attribute__((aligned(4)));

	xsmcGetBufferReadable(xsArg(2), &buffer, &bufferLength);
	if (byteLength <= 0 || bufferLength < (xsUnsignedValue)byteLength)
		xsRangeError("flash write: byteLength %d must be positive and at most the buffer's %u bytes", byteLength, (unsigned)bufferLength);
	moteCheckRange(the, record, offset, byteLength, "write");

	/* Page by page through a RAM copy: the source may be anywhere, even in flash, which cannot be
	   read while it is being programmed. Nothing here allocates, so the buffer does not move. */
	uint32_t done = 0;
	while (done < (uint32_t)byteLength) {
		uint32_t at = record->offset + (uint32_t)offset + done;
		uint32_t inPage = at & (FLASH_PAGE_SIZE - 1);
		uint32_t use = FLASH_PAGE_SIZE - inPage;
		if (use > (uint32_t)byteLength - done) use = (uint32_t)byteLength - done;
		memset(page, 0xff, sizeof(page));
		memcpy(page + inPage, (uint8_t *)buffer + done, use);
		moteProgram(at - inPage, page, FLASH_PAGE_SIZE);
		done += use;
	}
}

void xs_flash_map(xsMachine *the)
{
	MoteFlashRecord *record = moteFlashRecord(the);
	xsmcVars(1);
	xsResult = xsNewHostObject(NULL);
	xsmcSetHostBuffer(xsResult, (void *)(XIP_BASE + record->offset), record->size);
	xsmcPetrifyHostBuffer(xsResult);
	xsmcSetInteger(xsVar(0), record->size);
	xsmcDefine(xsResult, xsID("byteLength"), xsVar(0), xsDontDelete | xsDontSet);
}

void xs_flash_byteLength(xsMachine *the)
{
	xsmcSetInteger(xsResult, moteFlashRecord(the)->size);
}

void xs_flash_blockSize(xsMachine *the)
{
	xsmcSetInteger(xsResult, FLASH_SECTOR_SIZE);
}
