// Separate compilation: the bodies of Asio, Asio SSL and Beast are built here
// once instead of in every translation unit that includes them.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
