# SPDX-License-Identifier: GPL-2.0
#
# The device models, included by ../Makefile. They are pure logic (no
# system calls), so they join LIB_OBJS and the unit tests link them; their
# tests are tests/*_test.c like every other test and are found there.
#
# Sources name headers from the tool's root ("devices/uart8250.h",
# "ioport.h"), whichever directory they sit in: hence -I.

DEVICE_OBJS := $(addprefix devices/,debug-exit.o i8042.o pci-none.o pit.o \
				    port-sink.o rtc.o uart8250.o)

LIB_OBJS += $(DEVICE_OBJS)
HDRS += $(wildcard devices/*.h)
override CFLAGS += -I.
