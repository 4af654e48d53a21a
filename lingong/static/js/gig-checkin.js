// Check-in page (gigs/checkin.html): "用定位签到" reads the phone's position into the hidden fields and
// posts the form; the server checks the distance. Without geolocation the button stays hidden and the
// QR code is the way to check in.
(function () {
  "use strict";
  var form = document.querySelector("[data-locate-form]");
  if (!form || !navigator.geolocation) return;
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  form.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[data-lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[data-lng]").value = pos.coords.longitude.toFixed(6);
      status.textContent = "已定位，正在提交……";
      form.submit();
    }, function () {
      button.disabled = false;
      status.textContent = "没有取得位置（可能没有允许定位），请扫用工方的二维码。";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  });
})();
