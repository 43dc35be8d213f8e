import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeSerial, randomSerial } from "../../src/pki/serial.js";

test("serials are 16 bytes of upper-case hex with a first byte in 0x01..0x7f, over many draws", () => {
  const seen = new Set<string>();
  const firstBytes = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const serial = randomSerial();
    assert.match(serial, /^[0-9A-F]{32}$/);
    const first = parseInt(serial.slice(0, 2), 16);
    assert.ok(first >= 0x01 && first <= 0x7f, `first byte ${first.toString(16)} of ${serial}`);
    firstBytes.add(first);
    seen.add(serial);
  }
  assert.equal(seen.size, 5000, "no repeats");
  assert.ok(firstBytes.size > 100, `the first byte is random too (${firstBytes.size} values seen)`);
});

test("the first byte is forced into 0x01..0x7f whatever the random source gives", () => {
  for (let byte = 0; byte <= 0xff; byte++) {
    const serial = randomSerial((size) => new Uint8Array(size).fill(byte));
    assert.equal(serial.length, 32);
    const first = parseInt(serial.slice(0, 2), 16);
    assert.ok(first >= 0x01 && first <= 0x7f, `random byte ${byte} gave first byte ${first}`);
    assert.equal(serial.slice(2), byte.toString(16).padStart(2, "0").toUpperCase().repeat(15));
  }
});

test("normalizeSerial accepts colon-separated and lower-case hex, and nothing else", () => {
  assert.equal(normalizeSerial("09:7f:b4:3a"), "097FB43A");
  assert.equal(normalizeSerial(" 1f7860044c667a80d133dcbe180f333b "), "1F7860044C667A80D133DCBE180F333B");
  assert.equal(normalizeSerial("zz"), undefined);
  assert.equal(normalizeSerial("1"), undefined);
  assert.equal(normalizeSerial("ab".repeat(21)), undefined);
});
