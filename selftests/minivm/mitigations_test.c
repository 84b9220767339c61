// SPDX-License-Identifier: GPL-2.0
/*
 * minivm's speculative-execution mitigations (module/vmx/spec.c) agree
 * with what the host kernel says about itself: the read-only parameters
 * /sys/module/minivm/parameters/{l1d_flush,verw,ibpb} against
 * /proc/cpuinfo and /sys/devices/system/cpu/vulnerabilities/. The flush
 * and barriers themselves cannot be observed from userspace; guests
 * still run with them on (the other tests), which is what an emulator
 * lets us check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "minivm_util.h"

#define PARAMS	"/sys/module/minivm/parameters/"
#define VULNS	"/sys/devices/system/cpu/vulnerabilities/"

/* The first line of @path (empty if it cannot be read). */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* 1 for Y, 0 for N, -1 if the parameter is missing. */
static int param(const char *name)
{
	char path[256], buf[16];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	read_line(path, buf, sizeof(buf));
	return buf[0] == 'Y' ? 1 : buf[0] == 'N' ? 0 : -1;
}

/* Whether the first "key : value" line of /proc/cpuinfo has @word. */
static bool cpuinfo_has(const char *key, const char *word)
{
	char line[8192], *p;
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)) || !strchr(line, ':'))
			continue;
		for (p = strtok(strchr(line, ':') + 1, "\n "); p;
		     p = strtok(NULL, "\n "))
			if (!strcmp(p, word))
				found = true;
		break;
	}
	fclose(f);
	return found;
}

static bool vuln_says(const char *name, const char *text)
{
	char path[256], buf[512];

	snprintf(path, sizeof(path), VULNS "%s", name);
	read_line(path, buf, sizeof(buf));
	return strstr(buf, text);
}

static bool mitigations_off(void)
{
	char buf[4096];

	read_line("/proc/cmdline", buf, sizeof(buf));
	return strstr(buf, "mitigations=off");
}

TEST(parameters_present)
{
	MINIVM_REQUIRE();
	ASSERT_NE(-1, param("l1d_flush"));
	ASSERT_NE(-1, param("verw"));
	ASSERT_NE(-1, param("ibpb"));
	TH_LOG("l1d_flush=%d verw=%d ibpb=%d", param("l1d_flush"),
	       param("verw"), param("ibpb"));
}

/* An L1TF-affected CPU with the flush MSR flushes; any other does not. */
TEST(l1d_flush_follows_l1tf)
{
	bool want;

	MINIVM_REQUIRE();
	want = cpuinfo_has("bugs", "l1tf") && cpuinfo_has("flags", "flush_l1d") &&
	       !mitigations_off();
	TH_LOG("bugs l1tf: %d, flags flush_l1d: %d, mitigations=off: %d",
	       cpuinfo_has("bugs", "l1tf"), cpuinfo_has("flags", "flush_l1d"),
	       mitigations_off());
	EXPECT_EQ(want, param("l1d_flush"));
}

/*
 * The host clears CPU buffers for MDS or TAA ("Mitigation: Clear CPU
 * buffers", or "Vulnerable: Clear CPU buffers attempted, no microcode"):
 * so does minivm before entry (VERW, or the L1D flush that includes it).
 * A CPU affected by none of the buffer-sampling bugs needs neither.
 */
TEST(verw_follows_mds)
{
	static const char * const bugs[] = {
		"mds", "tsx_async_abort", "mmio_stale_data",
		"reg_file_data_sampling",
	};
	bool clears, none = true;
	unsigned int i;

	MINIVM_REQUIRE();
	clears = vuln_says("mds", "Clear CPU buffers") ||
		 vuln_says("tsx_async_abort", "Clear CPU buffers");
	for (i = 0; i < ARRAY_SIZE(bugs); i++) {
		char path[256], buf[512];

		snprintf(path, sizeof(path), VULNS "%s", bugs[i]);
		read_line(path, buf, sizeof(buf));
		TH_LOG("%s: %s", bugs[i], buf[0] ? buf : "(no file)");
		if (buf[0] && strcmp(buf, "Not affected"))
			none = false;
	}
	if (clears)
		EXPECT_EQ(1, param("verw") || param("l1d_flush"));
	if (none)
		EXPECT_EQ(0, param("verw"));
}

/*
 * IBPB between vCPUs when the host uses IBPB between tasks; none on a
 * CPU without it. (Newer kernels may use IBPB for other bugs alone;
 * then the line says "IBPB: disabled" and either answer is right.)
 */
TEST(ibpb_follows_spectre_v2)
{
	char buf[512];
	int want = -1;		/* -1: either answer */

	MINIVM_REQUIRE();
	read_line(VULNS "spectre_v2", buf, sizeof(buf));
	TH_LOG("spectre_v2: %s", buf[0] ? buf : "(no file)");
	if (strstr(buf, "IBPB: conditional") || strstr(buf, "IBPB: always-on"))
		want = 1;
	else if (!cpuinfo_has("flags", "ibpb"))
		want = 0;
	if (want >= 0)
		EXPECT_EQ(want, param("ibpb"));
}

TEST_HARNESS_MAIN
