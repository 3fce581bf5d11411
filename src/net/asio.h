// The one include for Asio and Beast. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>; g++ 12 needs it first.
// Asio and Beast are compiled once, in asio_impl.cc (separate compilation).
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace readygate::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

template <typename T>
using Task = asio::awaitable<T>;

// co_await with an error code instead of an exception.
inline auto use_ec(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

}  // namespace readygate::net
