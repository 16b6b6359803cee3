// libsrtp 3.x API subset on top of Debian's libsrtp2 (2.5.0).
//
// WHY: mediasoup's worker is written against libsrtp 3.x (opaque policy
// objects, separate input/output buffers with size_t lengths), which is not
// packaged in Debian, and the wrap would download it from GitHub. The worker
// includes <srtp.h>; this header takes that name (the shim puts this folder on
// the include path, Debian's real header lives at <srtp2/srtp.h>) and provides
// exactly the 3.x calls the worker uses (grep srtp_ in worker/src and
// worker/include), implemented with libsrtp2 calls.
//
// Only C++ users (the worker) include this header. Functions below are C++
// overloads next to libsrtp2's extern "C" functions of the same name; they
// differ in parameter lists, so calls resolve unambiguously.

#ifndef PARLEY_SRTP3_ON_SRTP2_H
#define PARLEY_SRTP3_ON_SRTP2_H

#ifndef __cplusplus
#error "this libsrtp3-on-libsrtp2 compatibility header is C++ only"
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

// libsrtp2 has a struct called srtp_policy_t; libsrtp3 uses that name for an
// opaque pointer. Rename libsrtp2's struct while including its header (a type
// name only: no linker symbol changes).
#define srtp_policy_t srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

// Error codes that only exist in libsrtp3 (same values as libsrtp3; they fit
// in the value range of libsrtp2's enum, whose last enumerator is 27).
inline constexpr srtp_err_status_t srtp_err_status_buffer_small =
  static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err =
  static_cast<srtp_err_status_t>(29);

// Opaque libsrtp3 policy: a libsrtp2 policy plus its own copy of key||salt
// (libsrtp2 wants one concatenated buffer; libsrtp3 takes them separately).
struct srtp3_compat_policy
{
	srtp2_policy_t p;
	bool hasProfile;
	bool hasKey;
	unsigned char key[SRTP_MAX_KEY_LEN];
};

typedef srtp3_compat_policy* srtp_policy_t;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (!policy)
		return srtp_err_status_bad_param;

	auto* compat = new (std::nothrow) srtp3_compat_policy();

	if (!compat)
		return srtp_err_status_alloc_fail;

	// Same defaults as libsrtp3 (and as libsrtp2 users usually set).
	compat->p.window_size     = 128;
	compat->p.allow_repeat_tx = 0;
	compat->p.next            = nullptr;
	*policy                   = compat;

	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (!policy)
		return;

	// Do not leave key material in freed memory.
	std::memset(policy->key, 0, sizeof(policy->key));
	delete policy;
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (!policy)
		return srtp_err_status_bad_param;

	policy->p.ssrc = ssrc;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (!policy)
		return srtp_err_status_bad_param;

	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->p.rtp, profile);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->p.rtcp, profile);

	if (err != srtp_err_status_ok)
		return err;

	policy->hasProfile = true;

	return srtp_err_status_ok;
}

// Single key without MKI (all the worker uses). Must be called after
// srtp_policy_set_profile() so the expected key+salt length is known.
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* mki,
  size_t mkiLen)
{
	(void)mki;

	if (!policy || !key || (saltLen > 0 && !salt) || !policy->hasProfile || policy->hasKey)
		return srtp_err_status_bad_param;

	// MKI needs libsrtp2's multi-key policy; not supported by this shim.
	if (mkiLen != 0)
		return srtp_err_status_bad_param;

	// libsrtp2 reads exactly rtp.cipher_key_len bytes (key followed by salt).
	if (
	  keyLen + saltLen != static_cast<size_t>(policy->p.rtp.cipher_key_len) ||
	  keyLen + saltLen > sizeof(policy->key))
	{
		return srtp_err_status_bad_param;
	}

	std::memcpy(policy->key, key, keyLen);

	if (saltLen > 0)
		std::memcpy(policy->key + keyLen, salt, saltLen);

	policy->p.key = policy->key;
	policy->hasKey = true;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (!policy)
		return srtp_err_status_bad_param;

	policy->p.allow_repeat_tx = allow ? 1 : 0;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	// Same bounds libsrtp2's srtp_create() enforces.
	if (!policy || windowSize < 64 || windowSize >= 0x8000)
		return srtp_err_status_bad_param;

	policy->p.window_size = static_cast<unsigned long>(windowSize);

	return srtp_err_status_ok;
}

// libsrtp3: srtp_create(srtp_t*, srtp_policy_t). libsrtp2 copies what it needs
// (it derives the session keys) so the policy may be destroyed afterwards.
inline srtp_err_status_t srtp_create(srtp_t* session, srtp_policy_t policy)
{
	if (!session || !policy || !policy->hasProfile || !policy->hasKey)
		return srtp_err_status_bad_param;

	policy->p.next = nullptr;

	const srtp2_policy_t* p2 = &policy->p;

	return srtp_create(session, p2);
}

// libsrtp3 renamed srtp_remove_stream() (ssrc in network byte order in both).
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

namespace parley_srtp3_compat
{
	// libsrtp2 works in place with an int length; libsrtp3 takes an input
	// buffer and an output buffer with its capacity. Copy the input into the
	// output buffer (if different) after checking it is big enough for the
	// worst-case result, then run libsrtp2 there.
	template<typename Fn>
	inline srtp_err_status_t inPlace(
	  const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t maxGrowth, Fn fn)
	{
		if (!in || !out || !outLen)
			return srtp_err_status_bad_param;

		if (inLen > static_cast<size_t>(INT_MAX) - maxGrowth)
			return srtp_err_status_bad_param;

		if (*outLen < inLen + maxGrowth)
			return srtp_err_status_buffer_small;

		if (out != in)
			std::memmove(out, in, inLen);

		int len = static_cast<int>(inLen);

		const srtp_err_status_t err = fn(out, &len);

		if (err != srtp_err_status_ok)
			return err;

		if (len < 0)
			return srtp_err_status_fail;

		*outLen = static_cast<size_t>(len);

		return srtp_err_status_ok;
	}
} // namespace parley_srtp3_compat

// mkiIndex is ignored: keys are added without MKI (see srtp_policy_add_key()),
// and libsrtp3 ignores it too in that case.
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	(void)mkiIndex;

	return parley_srtp3_compat::inPlace(
	  rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN, [ctx](uint8_t* buf, int* len) {
		  return srtp_protect(ctx, static_cast<void*>(buf), len);
	  });
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return parley_srtp3_compat::inPlace(srtp, srtpLen, rtp, rtpLen, 0, [ctx](uint8_t* buf, int* len) {
		return srtp_unprotect(ctx, static_cast<void*>(buf), len);
	});
}

// SRTCP adds the 4-byte E-flag/index word on top of the auth tag and MKI.
inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	(void)mkiIndex;

	return parley_srtp3_compat::inPlace(
	  rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4, [ctx](uint8_t* buf, int* len) {
		  return srtp_protect_rtcp(ctx, static_cast<void*>(buf), len);
	  });
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return parley_srtp3_compat::inPlace(srtcp, srtcpLen, rtcp, rtcpLen, 0, [ctx](uint8_t* buf, int* len) {
		return srtp_unprotect_rtcp(ctx, static_cast<void*>(buf), len);
	});
}

#endif
