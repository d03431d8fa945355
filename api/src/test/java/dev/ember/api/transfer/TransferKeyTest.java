package dev.ember.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The stored hash of a transfer key is Cinder's ({@code hmac.new(salt, auth_key, hashlib.sha1).hexdigest()}), so
 * transfers created by Cinder in a shared database are accepted with their keys. Expected values computed with
 * Python's hmac module.
 */
class TransferKeyTest {

    @Test
    void theHashIsCindersHmacSha1() {
        assertThat(TransferApi.cryptHash("a1b2c3d4", "05e7f6ce08291727"))
                .isEqualTo("05cbcfc3c3225bc0cbfda853c5c0ed07e98727e9");
    }

    @Test
    void anIntegerKeyIsHashedAsItsDecimalString() {
        assertThat(TransferApi.cryptHash("a1b2c3d4", "12345")).isEqualTo("28d1561e1e0633033541904fd831dcab853558fd");
    }
}
