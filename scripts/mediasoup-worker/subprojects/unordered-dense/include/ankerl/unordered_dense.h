// Stand-in for ankerl/unordered_dense.h (header-only, not in Debian bookworm;
// mediasoup's wrap would download it from GitHub).
//
// WHY this is enough: the worker only uses ankerl::unordered_dense::map, ::set
// and ::hash<T>{}(value) (grep ankerl:: in worker/src, worker/include). map/set
// become the standard unordered containers, which have the same interface for
// what the worker does (find/emplace/erase/iterate; erase() keeps other
// iterators valid, which is a stronger guarantee than ankerl's). Iteration order
// is not insertion order (ankerl's is); the worker does not depend on it.
//
// hash<T> mirrors ankerl's: integers, enums and pointers get a well-mixed 64-bit
// hash (libstdc++'s std::hash is the identity for them, which would make the
// worker's HashCombine()-based tuple hashes weak); other types use std::hash.

#ifndef PARLEY_ANKERL_UNORDERED_DENSE_STAND_IN_H
#define PARLEY_ANKERL_UNORDERED_DENSE_STAND_IN_H

#include <cstdint>
#include <functional>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

namespace ankerl
{
	namespace unordered_dense
	{
		namespace detail
		{
			// splitmix64 finalizer: full avalanche, portable (no 128-bit types).
			constexpr std::uint64_t mix(std::uint64_t x) noexcept
			{
				x ^= x >> 30;
				x *= UINT64_C(0xbf58476d1ce4e5b9);
				x ^= x >> 27;
				x *= UINT64_C(0x94d049bb133111eb);
				x ^= x >> 31;

				return x;
			}
		} // namespace detail

		template<class T, class Enable = void>
		struct hash
		{
			std::uint64_t operator()(const T& value) const
			  noexcept(noexcept(std::hash<T>{}(std::declval<const T&>())))
			{
				return static_cast<std::uint64_t>(std::hash<T>{}(value));
			}
		};

		template<class T>
		struct hash<
		  T,
		  std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T> || std::is_pointer_v<T>>>
		{
			using is_avalanching = void;

			std::uint64_t operator()(const T& value) const noexcept
			{
				std::uint64_t raw{ 0 };

				if constexpr (std::is_pointer_v<T>)
				{
					raw = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(value));
				}
				else if constexpr (std::is_enum_v<T>)
				{
					raw = static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(value));
				}
				else
				{
					raw = static_cast<std::uint64_t>(value);
				}

				return detail::mix(raw);
			}
		};

		// Extra template parameters of ankerl's map/set (allocator/bucket types)
		// are accepted and ignored.
		template<
		  class Key,
		  class T,
		  class Hash     = hash<Key>,
		  class KeyEqual = std::equal_to<Key>,
		  class... Ignored>
		using map = std::unordered_map<Key, T, Hash, KeyEqual>;

		template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class... Ignored>
		using set = std::unordered_set<Key, Hash, KeyEqual>;
	} // namespace unordered_dense
} // namespace ankerl

#endif
